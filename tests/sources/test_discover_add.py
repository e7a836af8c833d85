"""`newswatch sources add <site address>` through feed discovery: the site's feed is found
and added, and the next fetch cycle stores its items; a site with nothing to follow is
refused with why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.servers.sites import HTML, Site
from tests.sources.test_discover import FEED_SITE, SITEMAP_SITE


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_text("database: nw.db\nrules: []\nfetch: {allow_private: true}\n", encoding="utf-8")
    return path


def test_a_site_address_adds_its_feed_and_the_next_cycle_stores_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path)
    with Site(FEED_SITE) as site:
        assert main(["sources", "add", site.base + "/", "--config", str(config)]) == 0
        out = capsys.readouterr().out
        assert f"feed at {site.base}/rss.xml (items listed now: 2)" in out
        assert f"Found by feed discovery from {site.base}/: an RSS/Atom feed" in out
        main(["fetch", "--once", "--json", "--config", str(config)])
        reports = json.loads(capsys.readouterr().out)
    [report] = reports
    assert report["new"] == 2 and report["status"] == "new"


def test_a_site_with_only_a_news_sitemap_adds_the_sitemap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Site(SITEMAP_SITE) as site:
        status = main(["sources", "add", site.base, "--config", str(_config(tmp_path))])
    out = capsys.readouterr().out
    assert status == 0 and f"sitemap at {site.base}/sitemap.xml" in out


def test_a_site_with_nothing_to_follow_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = {"/": (200, HTML, "<!doctype html><html><body><p>Soon.</p></body></html>")}
    with Site(empty) as site:
        status = main(["sources", "add", site.base, "--config", str(_config(tmp_path))])
    captured = capsys.readouterr()
    assert status == 1
    assert "offers nothing to follow" in captured.out + captured.err
