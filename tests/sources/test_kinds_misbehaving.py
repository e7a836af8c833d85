"""Misbehaving servers for the telegram, sitemap and jsonfeed kinds: each failure is its own
source's clear error (or, for a sitemap too long to read whole, a capped read), recorded in
the store under that source; the cycle goes on and the well-behaved source beside them
stores its items."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.app.assembly import fetch_once
from bot.models import Source
from bot.sources.collect import collect
from bot.sources.http import Fetcher
from bot.sources.sitemap import MAX_URLS
from tests.sources.conftest import TEST_SETTINGS
from tests.sources.kinds_site import KindsSite
from tests.sources.test_kinds_polls import NOW, make_instance


async def test_each_broken_source_fails_alone_with_a_clear_error(
    site: KindsSite, tmp_path: Path
) -> None:
    base = site.base
    sources = f"""\
  - {{id: good, kind: jsonfeed, url: {base}/feed.json}}
  - {{id: cut, kind: jsonfeed, url: {base}/bad/truncated.json}}
  - {{id: other-json, kind: jsonfeed, url: {base}/bad/not-a-feed.json}}
  - {{id: soft404, kind: sitemap, url: {base}/bad/sitemap-error}}
  - {{id: enormous, kind: sitemap, url: {base}/bad/enormous-sitemap.xml}}
  - {{id: ghost, kind: telegram, url: {base}/s/nosuchchannel}}
  - {{id: no-s, kind: telegram, url: {base}/qawsnews}}
  - {{id: bomb, kind: sitemap, url: {base}/bad/bomb.xml.gz}}
"""
    instance = make_instance(tmp_path, sources, fetch=", max_bytes: 300000")
    try:
        reports = {r.source_id: r for r in await fetch_once(instance, NOW)}
        health = {h.id: h for h in instance.store.source_health()}
    finally:
        instance.close()
    assert (reports["good"].status, reports["good"].new) == ("new", 3)
    errors = {sid: r.error or "" for sid, r in reports.items() if sid != "good"}
    assert all(r.status == "error" for sid, r in reports.items() if sid != "good")
    assert errors["cut"].startswith("not a JSON Feed: invalid JSON at line")
    assert "version is None" in errors["other-json"]
    assert errors["soft404"] == "not a sitemap: an HTML page (an error page?)"
    assert errors["enormous"].endswith("over 300000 bytes")
    assert errors["bomb"] == "sitemap over 300000 bytes once decompressed"
    assert errors["ghost"].startswith("no channel posts on the page")
    assert "'Telegram: Contact @nosuchchannel'" in errors["ghost"]  # what was there instead
    assert errors["no-s"].endswith(
        "a channel's posts are at https://t.me/s/<name> (or say `channel: <name>`)"
    )
    for sid, error in errors.items():  # recorded against that source, and only that one
        assert health[sid].last_error == error and health[sid].error_count == 1
    assert health["good"].last_error is None and health["good"].articles_stored == 3


async def test_a_huge_sitemap_is_read_up_to_the_cap(site: KindsSite) -> None:
    source = Source(id="bulk", url=f"{site.base}/bad/huge-sitemap.xml", kind="sitemap")
    async with Fetcher(TEST_SETTINGS) as fetcher:
        outcome = await collect(
            fetcher, source, None, None, datetime(2026, 12, 7, tzinfo=UTC), lambda _: False
        )
    assert outcome.error is None
    assert outcome.seen == MAX_URLS
    assert outcome.bozo == f"the sitemap lists 1500 URLs; read the first {MAX_URLS}"
    # pages are read under the per-poll budget; the rest wait for later polls
    assert len(outcome.waiting or ()) == MAX_URLS - 40
    assert len(outcome.page_errors) == 40  # each bulk page is a 404 here, named
    assert outcome.page_errors[0].endswith("/akhbar/bulk/0.html: HTTP 404")
