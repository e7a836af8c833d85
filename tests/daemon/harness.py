"""The daemon tests' world: invented outlets on loopback, a recording fake Telegram, and the
real `newswatch run` as a subprocess with its JSON log in a file.

Outlets: each source serves one RSS feed of invented reports; the sources of one "wave"
report the same events in their own words, so stories gather several outlets. Responses
can be slowed down so that a kill lands inside a fetch now and then.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, TypeVar
from xml.sax.saxutils import escape

import httpx

from bot.models import Article
from bot.store import Store, open_store
from tests.fakes.telegram_api import FakeTelegram
from tests.loopback import LoopbackServer

T = TypeVar("T")

ROOT = Path(__file__).parent.parent.parent
DATA = ROOT / "tests" / "data" / "daemon"
TOKEN = "987654321:DAEMON-test-token-never-logged"
CHAT = "5001"

SYLLABLES = ("ka", "lo", "ven", "tir", "mar", "os", "bel", "un", "dra", "si", "no", "quen")
OUTLETS = ("Tidewater Courier", "Quayside Bulletin", "Beacon Evening Post")


def word(n: int) -> str:
    """An invented proper name, different for every n and not much like its neighbours."""
    n = (n * 2654435761 + 97) % 2**32
    out = ""
    for _ in range(4):
        out += SYLLABLES[n % len(SYLLABLES)]
        n //= len(SYLLABLES)
    return out.capitalize()


@dataclass(frozen=True)
class Item:
    guid: str
    title: str
    text: str


def wave_items(wave: int, outlet: int, count: int) -> list[Item]:
    """`count` reports by outlet number `outlet` of the events of one wave."""
    items = []
    for k in range(count):
        event = wave * 100 + k
        ship, official, pier, guild, cargo = (word(event * 5 + i) for i in range(5))
        if k % 2 == 0:
            title = f"Ferry {ship} held at {pier} as dockworkers meet {official}"
            body = (
                f"The ferry {ship} stayed at {pier} harbour. {official} of the {guild} guild "
                f"said {ship} would leave {pier} once the {cargo} crates were checked. "
            )
        else:
            title = f"Coast guard drills off {pier} with the cutter {ship}"
            body = (
                f"The cutter {ship} led drills off {pier} while {official} of {guild} watched. "
                f"The {cargo} crews of {ship} practised near {pier} all morning. "
            )
        lead = ("Reported by our desk. ", "From the quay: ", "Evening edition. ")[outlet % 3]
        items.append(Item(f"w{wave}-o{outlet}-e{k}", title, lead + body * 3))
    return items


def rss(name: str, items: list[Item], base: str, now: datetime) -> bytes:
    entries = "".join(
        f"<item><title>{escape(it.title)}</title><link>{base}/{it.guid}.html</link>"
        f"<guid>{it.guid}</guid><pubDate>{format_datetime(now - timedelta(minutes=i))}"
        f"</pubDate><description>{escape(it.text)}</description></item>"
        for i, it in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(name)}</title><link>{base}/</link><description>test</description>"
        f"{entries}</channel></rss>"
    ).encode()


class Outlets:
    """RSS feeds on 127.0.0.1; `delay(path)` seconds before each answer."""

    def __init__(self, delay: Callable[[str], float] = lambda path: 0.0) -> None:
        self.feeds: dict[str, bytes] = {}
        self.items: dict[str, list[Item]] = {}
        self.delay = delay
        self.now = datetime.now(UTC).replace(microsecond=0)
        outlets = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                time.sleep(outlets.delay(self.path))
                body = outlets.feeds.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: object) -> None:
                pass

        # a daemon killed mid-response leaves a broken pipe: LoopbackServer keeps quiet
        self.server = LoopbackServer(Handler)
        self.base = self.server.base

    def add_wave(self, wave: int, outlets: int = 3, per_outlet: int = 6) -> list[str]:
        """Feeds for one wave of events; returns their source ids."""
        ids = []
        for o in range(outlets):
            sid = f"w{wave}o{o}"
            items = wave_items(wave, o, per_outlet)
            self.items[sid] = items
            self.feeds[f"/{sid}.rss"] = rss(OUTLETS[o % 3], items, self.base, self.now)
            ids.append(sid)
        return ids

    def __enter__(self) -> Outlets:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__()


class RecordingTelegram(FakeTelegram):
    """The fake Bot API, slowed down a little, remembering each message's id.

    The id lets a test tie each outbox row (its ref is "chat:message_id") to the exact
    request that delivered it, and so tell a resend from a first send.
    """

    def __init__(self, send_delay: float = 0.0) -> None:
        super().__init__(TOKEN)
        self.send_delay = send_delay

    async def do_sendMessage(self, params: dict[str, Any]) -> tuple[int, Any]:
        import asyncio

        await asyncio.sleep(self.send_delay)
        status, body = await super().do_sendMessage(params)
        if status == 200:
            params["_message_id"] = body["message_id"]
        return status, body

    def sent_by_id(self) -> dict[int, str]:
        """message_id → text of every delivered message."""
        with self._lock:
            return {int(r.params["_message_id"]): str(r.params["text"]) for r in self.messages}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(
    folder: Path,
    outlets: Outlets,
    sources: list[str],
    *,
    rules: str = "rules.yaml",
    port: int = 0,
    poll: float = 0.5,
    mode: str = "instant",
    subscriptions: tuple[str, ...] = ("harbour", "drills"),
    max_stories: int = 20,
    apply_rules: bool = False,
) -> Path:
    """The daemon's newswatch.yaml in `folder`, with short ticks for tests."""
    lines = [
        "database: newswatch.db",
        f"rules: [{rules}]",
        "fetch: {allow_private: true, tick: 0.5, connect_timeout: 2.0, read_timeout: 5.0,",
        "        total_timeout: 10.0}",
        "delivery: {flush_interval: 1.0}",
        f"reload: {{poll_interval: {poll}, apply_rules: {str(apply_rules).lower()}}}",
        f"health: {{host: 127.0.0.1, port: {port}}}",
        "log: {format: json, level: INFO}",
        "sources:",
        *(
            f"  - {{id: {sid}, name: {sid}, url: '{outlets.base}/{sid}.rss', interval: 60}}"
            for sid in sources
        ),
        "channels:",
        f"  - {{id: desk, platform: telegram, destination: '{CHAT}', mode: {mode},",
        f"      max_stories: {max_stories}, subscriptions: [{', '.join(subscriptions)}]}}",
    ]
    path = folder / "newswatch.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Daemon:
    """One `newswatch run` process; its stdout (JSON lines) and stderr go to files."""

    config: Path
    telegram: RecordingTelegram | None
    port: int
    name: str = "run"
    extra_env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] = field(init=False)
    started: float = field(init=False)

    def __post_init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH_", "SLACK_"))}
        if self.telegram is not None:
            env["TELEGRAM_BOT_TOKEN"] = TOKEN
            env["TELEGRAM_API_BASE_URL"] = self.telegram.base_url
        else:
            env.pop("TELEGRAM_BOT_TOKEN", None)
        env.update(self.extra_env)
        self.out = self.config.parent / f"{self.name}.log"
        self.err = self.config.parent / f"{self.name}.err"
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--config", str(self.config)],
                cwd=self.config.parent,
                stdout=out,
                stderr=err,
                env=env,
            )
        self.started = time.monotonic()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> httpx.Response | None:
        try:
            return httpx.get(self.url(path), timeout=2.0)
        except httpx.TransportError:
            return None

    def records(self) -> list[dict[str, Any]]:
        lines = self.out.read_text(encoding="utf-8", errors="replace").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def logged(self, fragment: str) -> bool:
        return any(fragment in r["message"] for r in self.records())

    def wait(self, what: str, ready: Callable[[], object], timeout: float = 60.0) -> Any:
        """Poll until `ready()` is truthy (returned), failing with the logs if it never is (or
        the process exits). The timeout is generous: a loaded CI machine starts slowly."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = ready()
            if value:
                return value
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{self.name}: {what} did not happen\n{self.logs()}")

    def signal(self, sig: signal.Signals, timeout: float = 15.0) -> tuple[int, float]:
        """Send `sig`; the exit status and the seconds until the process was gone."""
        sent = time.monotonic()
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        return code, time.monotonic() - sent

    def logs(self) -> str:
        return (
            self.out.read_text(encoding="utf-8", errors="replace")[-6000:]
            + "\n--- stderr ---\n"
            + self.err.read_text(encoding="utf-8", errors="replace")[-4000:]
        )

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def read_db(db: Path, look: Callable[[Store], T]) -> T:
    """`look` at the daemon's database as another process sees it (opened read-only)."""
    store = open_store(db, read_only=True)
    try:
        return look(store)
    finally:
        store.close()


def all_articles(store: Store) -> list[Article]:
    """Every stored article, newest first."""
    return store.search_articles(None, datetime(2000, 1, 1, tzinfo=UTC), 1_000_000, 0)
