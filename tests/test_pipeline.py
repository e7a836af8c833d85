"""The fetch job end to end: loopback sources → real store → matches → stories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app.ingest import Pipeline
from bot.config import Config, Settings, load_config
from bot.core.identity import item_key
from bot.core.rules import parse_rules
from bot.demo.server import DemoSite, config_text
from bot.models import Article, RawItem, Source
from bot.sources.http import Fetcher, FetchSettings
from bot.sources.parsepool import ParsePool
from bot.store import Store, open_store

RULES = """\
entities:
  iran: {name: Iran, kind: place, aliases: [إيران, ایران, Iran]}
  russia: {name: Russia, kind: place, aliases: [روسيا, Russia]}
  nasirzadeh: {name: Aziz Nasirzadeh, kind: person, aliases: [نصير زاده, نصيرزاده, Nasirzadeh]}
topics:
  defence: {name: Defence, query: '@iran AND @russia'}
"""
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
SOURCE = Source(id="wire", url="https://wire.example/feed", name="Wire")


def settings() -> Settings:
    return load_config(None, env={}).settings


def item(n: int, title: str, text: str) -> RawItem:
    return RawItem(
        source_id="wire",
        title=title,
        url=f"https://wire.example/a/{n}",
        text=text,
        published=NOW - timedelta(hours=n),
    )


def test_ingest_stores_once_matches_and_groups(tmp_path: Path) -> None:
    store = open_store(tmp_path / "nw.db")
    pipeline = Pipeline(store, parse_rules([("r.yaml", RULES)]), settings())
    raw = item(1, "Nasirzadeh in Moscow", "Iran and Russia signed a drone deal, Nasirzadeh said.")
    done = pipeline.ingest(raw, SOURCE, NOW)
    assert done is not None and done.new_story
    assert {m.id for m in done.matches.entities} == {"iran", "russia", "nasirzadeh"}
    assert {m.id for m in done.matches.topics} == {"defence"}
    assert pipeline.ingest(raw, SOURCE, NOW) is None  # the same item is stored once
    assert store.article_count() == 1
    story = store.story(done.story_id)
    assert story is not None and story.outlets[0].url == "https://wire.example/a/1"
    assert store.matches_for(done.article_id) == done.matches


def test_restart_finishes_an_article_a_crash_left_without_story(tmp_path: Path) -> None:
    store = open_store(tmp_path / "nw.db")
    rules = parse_rules([("r.yaml", RULES)])
    Pipeline(store, rules, settings())
    # A crash right after the article row was written: no matches, no story.
    raw = item(2, "Iran and Russia", "Iran and Russia met again.")
    article = Article(
        key=item_key(raw),
        source_id="wire",
        source_name="Wire",
        url=raw.url or "",
        title=raw.title,
        text=raw.text,
        fetched=NOW,
        published=raw.published,
    )
    article_id = store.add_article(article, "", "")
    assert article_id is not None
    store.close()
    store = open_store(tmp_path / "nw.db")
    Pipeline(store, rules, settings())
    restored = store.article(article_id)
    assert restored is not None
    assert store.story_of(article_id) is not None
    assert {m.id for m in store.matches_for(article_id).entities} == {"iran", "russia"}


def _demo_pipeline(tmp_path: Path, site: DemoSite) -> tuple[Config, Store, Pipeline]:
    """The demo's sources in a fresh store, and a pipeline over it with the test rules."""
    config = load_config(_write(tmp_path, config_text(site.base_url)), env={})
    store = open_store(tmp_path / "nw.db")
    store.sync_sources(config.sources)
    return config, store, Pipeline(store, parse_rules([("r.yaml", RULES)]), config.settings)


async def test_fetch_cycle_over_loopback_then_all_unchanged(tmp_path: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with DemoSite(now) as site:
        config, store, pipeline = _demo_pipeline(tmp_path, site)
        fetch = FetchSettings.from_settings(config.settings.fetch)
        async with Fetcher(fetch) as fetcher:
            first = await pipeline.fetch_cycle(fetcher, config.sources, now)
            stored = store.article_count()
            second = await pipeline.fetch_cycle(fetcher, config.sources, now)
    assert {r.source_id for r in first} == {s.id for s in config.sources}
    assert all(r.status == "new" and r.new > 0 for r in first), first
    assert stored == sum(r.new for r in first)
    assert all(r.status == "unchanged" for r in second), second
    assert store.article_count() == stored
    multi = [s for s in store.stories_since(now - timedelta(days=3)) if len(s.outlets) > 1]
    assert multi, "the demo's shared story should group several outlets"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_fetch_cycle_without_analysis_leaves_it_for_later(tmp_path: Path) -> None:
    """analyse=False stores the articles (searchable, counted) without stories; analyse_pending
    then gives every one its matches and story, as the inline cycle would."""
    now = datetime.now(UTC).replace(microsecond=0)
    with DemoSite(now) as site:
        config, store, pipeline = _demo_pipeline(tmp_path, site)
        fetch = FetchSettings.from_settings(config.settings.fetch)
        with ParsePool(1) as pool:  # parsed and prepared in a worker process, too
            async with Fetcher(fetch) as fetcher:
                reports = await pipeline.fetch_cycle(
                    fetcher, config.sources, now, analyse=False, pool=pool
                )
    stored = sum(r.new for r in reports)
    assert stored > 0 and store.article_count() == stored
    assert len(store.unanalysed_articles()) == stored
    done = pipeline.analyse_pending()
    assert len(done) == stored and not store.unanalysed_articles()
    multi = [s for s in store.stories_since(now - timedelta(days=3)) if len(s.outlets) > 1]
    assert multi, "the demo's shared story should group several outlets"


async def test_a_failed_preparation_fails_that_source_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pool that breaks while preparing one source's items costs that source this poll
    (an error, its items still unknown for the next) and nothing else."""
    import bot.app.ingest

    real = bot.app.ingest.prepare_articles
    now = datetime.now(UTC).replace(microsecond=0)
    with DemoSite(now) as site:
        config = load_config(_write(tmp_path, config_text(site.base_url)), env={})
        broken = config.sources[0].id

        def flaky(raws: Any, source: Source, fetched: datetime) -> Any:
            if source.id == broken:
                raise RuntimeError("pool process died")
            return real(raws, source, fetched)

        monkeypatch.setattr(bot.app.ingest, "prepare_articles", flaky)
        store = open_store(tmp_path / "nw.db")
        store.sync_sources(config.sources)
        pipeline = Pipeline(store, parse_rules([("r.yaml", RULES)]), config.settings)
        async with Fetcher(FetchSettings.from_settings(config.settings.fetch)) as fetcher:
            reports = await pipeline.fetch_cycle(fetcher, config.sources, now)
    by_id = {r.source_id: r for r in reports}
    assert by_id[broken].status == "error" and "pool process died" in (by_id[broken].error or "")
    assert all(r.status == "new" for r in reports if r.source_id != broken)
    assert store.source_state(broken).etag is None  # fetched in full again next time
