"""A replayed day of invented feeds through the real fetch cycle: one actor doing several
different things in a day must give one story per event, each with every outlet that reported
it (tests/data/eventday: three outlets, three languages, three fetch cycles)."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar
from xml.sax.saxutils import escape

import yaml

from bot.app.ingest import Pipeline
from bot.config import load_config
from bot.core.rules import parse_rules
from bot.sources.http import Fetcher, FetchSettings
from bot.store import Store, open_store
from tests.daemon.harness import all_articles
from tests.loopback import LoopbackServer

DATA = Path(__file__).parent / "data" / "eventday"
DAY = yaml.safe_load((DATA / "day.yaml").read_text(encoding="utf-8"))


class Feeds(BaseHTTPRequestHandler):
    """Each outlet's RSS feed as it stood at `now` (the items published by then), and each
    item's page."""

    now: ClassVar[datetime]
    base: ClassVar[str]

    def do_GET(self) -> None:
        parts = self.path.strip("/").split("/")
        if len(parts) == 1 and parts[0].removesuffix(".xml") in DAY["outlets"]:
            body, kind = rss(parts[0].removesuffix(".xml"), self.now), "application/rss+xml"
        elif len(parts) == 3 and parts[1] == "news" and parts[2].isdigit():
            item = DAY["items"][int(parts[2])]
            paragraphs = "".join(f"<p>{escape(p)}</p>" for p in item["text"].split("\n"))
            body = (
                f"<html><head><title>{escape(item['title'])}</title></head><body><article>"
                f"<h1>{escape(item['title'])}</h1>{paragraphs}</article></body></html>"
            )
            kind = "text/html"
        else:
            self.send_error(404)
            return
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def link(outlet: str, n: int) -> str:
    return f"{Feeds.base}/{outlet}/news/{n}"


def rss(outlet: str, now: datetime) -> str:
    entries = []
    for n, item in enumerate(DAY["items"]):
        published = datetime.fromisoformat(item["published"])
        if item["outlet"] == outlet and published <= now:
            entries.append(
                f"<item><title>{escape(item['title'])}</title><link>{link(outlet, n)}</link>"
                f"<guid>{link(outlet, n)}</guid><pubDate>{format_datetime(published)}</pubDate>"
                f"<description>{escape(item['text'])}</description></item>"
            )
    name = DAY["outlets"][outlet]["name"]
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(name)}</title><link>https://{outlet}.example/</link>"
        f"{''.join(reversed(entries))}</channel></rss>"
    )


def config_text(base: str) -> str:
    sources = "".join(
        f"  - {{id: {o}, name: {v['name']!r}, url: '{base}/{o}.xml', lang: {v['lang']}}}\n"
        for o, v in DAY["outlets"].items()
    )
    return f"fetch:\n  allow_private: true\nsources:\n{sources}"


async def follow_the_day(tmp_path: Path, cycles: list[str]) -> tuple[dict[str, int], Store]:
    """Fetch every outlet at each of `cycles`: each item's story (by its link), and the store
    (open: the caller closes it)."""
    rules = parse_rules([("rules.yaml", (DATA / "rules.yaml").read_text(encoding="utf-8"))])
    with LoopbackServer(Feeds) as server:
        Feeds.base = server.base
        path = tmp_path / "newswatch.yaml"
        path.write_text(config_text(server.base), encoding="utf-8")
        config = load_config(path, env={})
        store = open_store(tmp_path / "nw.db")
        store.sync_sources(config.sources)
        pipeline = Pipeline(store, rules, config.settings)
        async with Fetcher(FetchSettings.from_settings(config.settings.fetch)) as fetcher:
            for cycle in cycles:
                Feeds.now = datetime.fromisoformat(cycle)
                reports = await pipeline.fetch_cycle(fetcher, config.sources, Feeds.now)
                assert all(r.status != "error" for r in reports), reports
    stories = store.stories_since(Feeds.now - timedelta(days=2))
    return {outlet.url: story.id for story in stories for outlet in story.outlets}, store


def assert_one_story_per_event(story_of: dict[str, int]) -> None:
    events: dict[str, set[int]] = {}
    for n, item in enumerate(DAY["items"]):
        events.setdefault(item["event"], set()).add(story_of[link(item["outlet"], n)])
    assert all(len(ids) == 1 for ids in events.values()), events  # no event split
    stories = [next(iter(ids)) for ids in events.values()]
    assert len(set(stories)) == len(stories), events  # no two events joined
    assert len(events) == 6 and len(story_of) == len(DAY["items"])


async def test_each_event_of_the_day_is_its_own_story(tmp_path: Path) -> None:
    story_of, store = await follow_the_day(tmp_path, DAY["cycles"])
    store.close()
    assert_one_story_per_event(story_of)


async def test_a_day_fetched_in_one_cycle_is_grouped_oldest_first(tmp_path: Path) -> None:
    """A bot started at the end of the day (or back after downtime) meets each feed's items
    newest first: they are stored, and grouped, oldest first, and the day's events come out
    as when it followed the day cycle by cycle."""
    story_of, store = await follow_the_day(tmp_path, DAY["cycles"][-1:])
    stored = {a.url: a for a in all_articles(store)}
    store.close()
    for outlet in DAY["outlets"]:  # each outlet's items went in by date, not feed order
        mine = sorted(
            (datetime.fromisoformat(item["published"]), stored[link(outlet, n)].id or 0)
            for n, item in enumerate(DAY["items"])
            if item["outlet"] == outlet
        )
        assert [i for _, i in mine] == sorted(i for _, i in mine), outlet
    assert_one_story_per_event(story_of)
