"""A demo database with one hostile story added, and the web app served from it on a real
loopback port (its own thread and event loop, so sync clients and the browser can use it)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from aiohttp import web

from bot.app.rulefiles import load_rule_files
from bot.app.web import web_deps
from bot.cli import main
from bot.config import config_from_text
from bot.core.match import Matcher
from bot.core.normalize import normalize
from bot.models import Article, Source
from bot.store import Store, open_store
from bot.store.base import utcnow
from bot.web.app import create_app
from bot.web.deps import WebDeps

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "a-long-test-token-0123456789"
HOSTILE_TITLE = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    " Rogue\u202e headline about the Kestrel drone"
)
HOSTILE_URL = "javascript:window.__pwned=3"
HOSTILE_TEXT = (
    'Body with <script>window.__pwned = 4</script> and <a href="javascript:x">a link</a>.'
)


def build_demo_db(path: Path) -> Path:
    """`newswatch demo --db` into `path`, then a failing source with a hostile article."""
    assert main(["demo", "--db", str(path), "--rules-home", str(ROOT)]) == 0
    store = open_store(path)
    try:
        now = utcnow()
        store.add_sources(
            [Source("rogue", "https://rogue.example/feed", name="Rogue\u202e Wire")], "opml"
        )
        for _ in range(5):
            store.record_fetch_error("rogue", now, now, "HTTP 503 <b>from</b> upstream", 5)
        article = Article(
            key="rogue-1",
            source_id="rogue",
            source_name="Rogue\u202e Wire",
            url=HOSTILE_URL,
            title=HOSTILE_TITLE,
            text=HOSTILE_TEXT,
            fetched=now - timedelta(minutes=5),
            lang="en",
        )
        article_id = store.add_article(article, normalize(article.title), normalize(article.text))
        assert article_id is not None
        story_id = store.create_story(article.title, article.text, article.fetched)
        store.attach_article(story_id, article_id, article.fetched, (), ())
    finally:
        store.close()
    return path


def demo_deps(db: Path, allow_private: bool = False, **changes: object) -> tuple[Store, WebDeps]:
    """The web adapter over `db` as the assembly wires it (the project's rules, the token
    set, changes allowed), with `changes` to WebDeps applied."""
    store = open_store(db)
    text = f"rules: ['rules/*.yaml']\nfetch: {{allow_private: {str(allow_private).lower()}}}\n"
    config = config_from_text(text, "<web test>", ROOT, {})
    rules = load_rule_files(config.rule_paths())
    matcher = Matcher(rules)
    deps = web_deps(config, store, lambda: rules, lambda: matcher, TOKEN, True)
    return store, replace(deps, **changes)  # type: ignore[arg-type]


@contextmanager
def serve(deps: WebDeps) -> Iterator[str]:
    """The app on 127.0.0.1 at a free port, in a thread; yields the base URL."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: dict[str, object] = {}

    async def start() -> None:
        runner = web.AppRunner(create_app(deps), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        box["runner"] = runner
        box["port"] = runner.addresses[0][1]

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10), "web server did not start"
    try:
        yield f"http://127.0.0.1:{box['port']}"
    finally:
        runner = box["runner"]
        assert isinstance(runner, web.AppRunner)
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
