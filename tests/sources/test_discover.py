"""`newswatch sources discover URL` on invented loopback sites: a site with a feed link, one
with only a news sitemap, one with neither, broken feed links, and bad or dead addresses."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from bot.cli import main
from bot.sources.discover import BadAddress, discover, normalise_address
from bot.sources.discoverparse import robots_sitemaps
from bot.sources.http import Fetcher
from bot.sources.kinds import channel_preview
from tests.servers.sites import HTML, RSS, XML, Site, home, news_sitemap, rss, sitemap_index
from tests.sources.conftest import TEST_SETTINGS

DATES = ["Sat, 05 Dec 2026 08:00:00 GMT", "Sun, 06 Dec 2026 09:30:00 GMT"]
ITEMS = [
    ("مجلس الميناء يجتمع", "/a/1.html", DATES[0]),
    ("سفن جديدة في الخليج", "/a/2.html", DATES[1]),
]
FEED_SITE = {
    "/": (
        200,
        HTML,
        home(
            "Nahr Courier",
            "ar",
            '<link rel="alternate" type="application/rss+xml" href="/rss.xml">',
        ),
    ),
    "/rss.xml": (200, RSS, rss("Nahr Courier", "ar", ITEMS)),
}
BROKEN_SITE = {
    "/": (
        200,
        HTML,
        home(
            "Harbour Ledger",
            "en",
            '<link rel="alternate" type="application/rss+xml" href="/gone.xml">'
            '<link rel="alternate" type="application/atom+xml" href="/page.xml">',
        ),
    ),
    "/page.xml": (200, HTML, home("Harbour Ledger", "en")),
    "/rss.xml": (200, RSS, rss("Harbour Ledger", "en", [("Council meets", "/a/9.html", DATES[1])])),
}
NEWS = [
    ("/fa/1001.html", "نشست شورای بندر", "2026-12-06T07:00:00+03:30"),
    ("/fa/1002.html", "کشتی‌های تازه در خلیج", "2026-12-06T10:15:00+03:30"),
]
SITEMAP_SITE = {
    "/": (200, HTML, home("Pardis Daily", "fa")),
    "/robots.txt": (
        200,
        "text/plain",
        "User-agent: *\nDisallow: /admin\nSitemap: {base}/sitemap.xml\n",
    ),
    "/sitemap.xml": (200, XML, sitemap_index(["/sitemaps/pages.xml", "/sitemaps/news-today.xml"])),
    "/sitemaps/news-today.xml": (200, XML, news_sitemap("fa", NEWS)),
}
PLAIN_SITE = {"/": (200, HTML, home("Seaside Notes", "en", links=5))}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    status = main(["sources", "discover", *args, "--allow-private", "--json"])
    out = capsys.readouterr().out
    return status, json.loads(out) if out.strip() else None


def test_a_feed_link_is_chosen(capsys: pytest.CaptureFixture[str]) -> None:
    with Site(FEED_SITE) as site:
        status, doc = run(capsys, site.base + "/")
    assert status == 0
    chosen = doc["chosen"]
    assert chosen["kind"] == "feed" and chosen["url"] == site.base + "/rss.xml"
    assert chosen["items"] == 2 and chosen["lang"] == "ar"
    assert chosen["newest"] == "2026-12-06T09:30:00+00:00"
    assert "<link rel=alternate>" in doc["reason"]
    assert "/robots.txt" not in site.asked  # a working feed: no sitemap probing


def test_broken_feed_links_fall_through_and_say_so(capsys: pytest.CaptureFixture[str]) -> None:
    with Site(BROKEN_SITE) as site:
        status, doc = run(capsys, site.base)
    assert status == 0
    by_url = {c["url"].removeprefix(site.base): c for c in doc["candidates"]}
    assert by_url["/gone.xml"]["error"] == "HTTP 404"
    assert "text/html" in by_url["/page.xml"]["error"]
    assert doc["chosen"]["url"] == site.base + "/rss.xml"
    assert doc["chosen"]["found_by"] == "a common path"
    assert "passed over" in doc["reason"] and "/gone.xml (HTTP 404)" in doc["reason"]
    # common paths are tried up to the first that works, not beyond
    assert "/atom.xml" not in site.asked and "/feed" in site.asked


def test_a_news_sitemap_from_robots_txt(capsys: pytest.CaptureFixture[str]) -> None:
    with Site(SITEMAP_SITE) as site:
        status, doc = run(capsys, site.base + "/")
    assert status == 0
    sitemap = next(c for c in doc["candidates"] if c["kind"] == "sitemap")
    assert sitemap["url"] == site.base + "/sitemap.xml" and sitemap["found_by"] == "robots.txt"
    assert sitemap["items"] == 2 and sitemap["lang"] == "fa"
    assert sitemap["newest"] == "2026-12-06T06:45:00+00:00"
    assert "/sitemaps/pages.xml" not in site.asked  # only the index's news sitemaps are read
    assert doc["chosen"]["kind"] == "sitemap" and doc["chosen"]["url"] == sitemap["url"]
    assert "no working feed" in doc["reason"]


def test_neither_feed_nor_sitemap_is_an_html_listing(capsys: pytest.CaptureFixture[str]) -> None:
    with Site(PLAIN_SITE) as site:
        status, doc = run(capsys, site.base + "/")
    assert status == 0
    assert doc["chosen"]["kind"] == "html" and doc["chosen"]["items"] == 5
    assert doc["chosen"]["lang"] == "en" and doc["chosen"]["title"] == "Seaside Notes"
    assert "no working feed nor news sitemap" in doc["reason"]
    failed = [c for c in doc["candidates"] if not c["usable"]]
    assert failed and all(c["error"] for c in failed)


def test_text_output_names_the_choice(capsys: pytest.CaptureFixture[str]) -> None:
    with Site(FEED_SITE) as site:
        status = main(["sources", "discover", site.base, "--allow-private"])
    out = capsys.readouterr().out
    assert status == 0
    assert f"chosen: feed {site.base}/rss.xml" in out
    assert "2 items, newest 2026-12-06 09:30, language ar" in out


def test_a_dead_address_is_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: refused
        status = main(["sources", "discover", f"http://127.0.0.1:{port}/", "--allow-private"])
    assert status == 1
    assert "cannot reach the address" in capsys.readouterr().err


def test_a_private_address_is_refused_without_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with Site(FEED_SITE) as site:
        status = main(["sources", "discover", site.base])
    assert status == 1 and "private or local" in capsys.readouterr().err
    assert site.asked == []


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "http://", "not an address", ""])
def test_a_bad_url_is_exit_2(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "discover", url]) == 2
    assert capsys.readouterr().err


async def test_the_address_itself_a_feed_and_named_sitemap_paths() -> None:
    feed_only = {"/rss.xml": FEED_SITE["/rss.xml"]}
    named = {"/": PLAIN_SITE["/"], "/sitemap-news.xml": (200, XML, news_sitemap("fa", NEWS))}
    async with Fetcher(TEST_SETTINGS) as fetcher:
        with Site(feed_only) as site:
            found = await discover(fetcher, site.base + "/rss.xml")
        assert found.chosen and found.chosen.found_by == "the address itself"
        assert [c.url for c in found.candidates] == [site.base + "/rss.xml"]
        with Site(named) as site:
            found = await discover(fetcher, site.base)
    sitemap = next(c for c in found.candidates if c.kind == "sitemap" and c.items)
    assert sitemap.url.endswith("/sitemap-news.xml") and sitemap.found_by == "a common path"
    assert "/news-sitemap.xml" in site.asked  # the names are tried in order


def test_addresses_and_robots_lines() -> None:
    assert normalise_address(" site.example ") == "https://site.example/"
    assert normalise_address("http://site.example/news") == "http://site.example/news"
    with pytest.raises(BadAddress):
        normalise_address("mailto:desk@site.example")
    preview = "https://t.me/s/harbour_news"
    assert channel_preview("https://t.me/s/harbour_news") == preview
    assert channel_preview(normalise_address("t.me/harbour_news/")) == preview
    assert channel_preview("https://t.me/joinchat") is None
    assert channel_preview("https://example.org/harbour_news") is None
    text = "User-agent: *\nsitemap: /a.xml\nSitemap: https://x.example/b.xml\nSITEMAP: /a.xml\n"
    assert robots_sitemaps(text, "https://x.example/robots.txt") == [
        "https://x.example/a.xml",
        "https://x.example/b.xml",
    ]


def test_a_site_with_nothing_to_follow_is_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    empty = {
        "/": (200, HTML, "<!doctype html><html><body><p>Under construction.</p></body></html>")
    }
    with Site(empty) as site:
        status, doc = run(capsys, site.base)
    assert status == 1 and doc["chosen"] is None
    assert doc["reason"].startswith("nothing to follow: ")
    assert "no article links found" in doc["reason"]


JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Courier of the Straits",
        "language": "en",
        "items": [
            {
                "id": str(n),
                "url": "{base}" + f"/j/{n}",
                "title": f"Ferry timetable {n}",
                "content_text": "Ferries run late.",
                "date_published": f"2026-12-0{n}T08:00:00Z",
            }
            for n in (3, 4, 5)
        ],
    }
)


async def test_a_json_feed_link_and_a_plain_sitemap() -> None:
    link = '<link rel="alternate" type="application/feed+json" href="/feed.json">'
    with_json = {
        "/": (200, HTML, home("Courier", "en", link)),
        "/feed.json": (200, "application/feed+json", JSON_FEED),
    }
    plain_map = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/x</loc></url></urlset>'
    only_plain = {
        "/": PLAIN_SITE["/"],
        "/robots.txt": (200, "text/plain", "Sitemap: /sitemap.xml\n"),
        "/sitemap.xml": (200, XML, '<?xml version="1.0"?>' + plain_map),
    }
    async with Fetcher(TEST_SETTINGS) as fetcher:
        with Site(with_json) as site:
            found = await discover(fetcher, site.base)
        assert found.chosen is not None and found.chosen.kind == "jsonfeed"
        assert (found.chosen.items, found.chosen.lang) == (3, "en")
        assert found.chosen.newest is not None and found.chosen.newest.day == 5
        with Site(only_plain) as site:
            found = await discover(fetcher, site.base)
    plain = next(c for c in found.candidates if c.found_by == "robots.txt")
    assert plain.error == "a sitemap, but not a news sitemap (no xmlns:news)"
    assert found.chosen is not None and found.chosen.kind == "html"
