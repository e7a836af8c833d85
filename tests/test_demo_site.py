"""The demo outlets: served over real loopback HTTP, dated relative to `now`, parseable."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import httpx
import lxml.html
import pytest
import yaml

from bot.config import config_from_text
from bot.demo.server import (
    DemoSite,
    PlaceholderError,
    config_text,
    format_date,
    parse_offset,
    render,
    site_root,
)

NOW = datetime(2025, 3, 9, 6, 30, tzinfo=UTC)
FEEDS = {
    "/mashriq/feed.rss": 5,
    "/bawsala/rss/latest.rss": 4,
    "/meridian/feed.atom": 4,
    "/pegah/rss.xml": 2,
}
LISTING = "/minbar/index.html"
CARD_LINKS = "//div[@class='news-list']/article[@class='card']/h2/a"
MANIFEST = yaml.safe_load((files("bot.demo") / "stories.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def site() -> Iterator[DemoSite]:
    with DemoSite(NOW) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as c:
        yield c


def test_package_data_holds_the_site() -> None:
    root = site_root()
    assert (root / "mashriq" / "feed.rss").is_file()
    assert (files("bot.demo") / "newswatch.yaml").is_file()
    assert (files("bot.demo") / "stories.yaml").is_file()


def test_every_file_is_served_with_its_type_and_no_placeholder_left(
    site: DemoSite, client: httpx.Client
) -> None:
    expected = {
        ".html": "text/html",
        ".rss": "application/rss+xml",
        ".atom": "application/atom+xml",
    }
    assert len(site.paths()) >= 14
    for path in site.paths():
        response = client.get(site.url(path))
        assert response.status_code == 200, path
        ctype = response.headers["content-type"]
        assert ctype.endswith("; charset=utf-8"), path
        suffix = Path(path).suffix
        assert ctype.startswith(expected.get(suffix, "text/xml")), path
        text = response.content.decode("utf-8")
        assert "{{" not in text and "{base_url}" not in text, path  # JSON-LD may end in "}}"
        assert site.base_url in text, path
        assert response.headers["etag"].startswith('"')
        assert parsedate_to_datetime(response.headers["last-modified"]) == NOW


def test_conditional_requests_get_304(site: DemoSite, client: httpx.Client) -> None:
    first = client.get(site.url("/mashriq/feed.rss"))
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get(site.url("/mashriq/feed.rss"), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    by_date = client.get(
        site.url("/mashriq/feed.rss"), headers={"If-Modified-Since": last_modified}
    )
    assert by_date.status_code == 304
    other = client.get(site.url("/mashriq/feed.rss"), headers={"If-None-Match": '"other"'})
    assert other.status_code == 200 and other.content == first.content
    older = format_date(NOW - timedelta(hours=1), "rfc822")
    stale = client.get(site.url("/mashriq/feed.rss"), headers={"If-Modified-Since": older})
    assert stale.status_code == 200
    assert [s.status for s in site.served] == [200, 304, 304, 200, 200]


def test_directory_head_missing_and_escape(site: DemoSite, client: httpx.Client) -> None:
    listing = client.get(site.url("/minbar/"))
    assert listing.status_code == 200
    assert listing.content == client.get(site.url(LISTING)).content
    head = client.head(site.url("/pegah/rss.xml"))
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 0
    assert client.get(site.url("/minbar/section/world.html")).status_code == 404
    assert client.get(site.url("/../server.py")).status_code == 404
    assert client.get(site.url("/%2e%2e/server.py")).status_code == 404


@pytest.mark.parametrize(("path", "count"), sorted(FEEDS.items()))
def test_feeds_parse_cleanly_with_dates_relative_to_now(
    site: DemoSite, client: httpx.Client, path: str, count: int
) -> None:
    response = client.get(site.url(path))
    feed = feedparser.parse(response.content, response_headers=dict(response.headers))
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == count
    for entry in feed.entries:
        published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
        assert NOW - timedelta(days=2) <= published <= NOW, entry.title
        assert entry.link.startswith(site.base_url + "/")


def test_feed_dates_keep_their_offsets(site: DemoSite, client: httpx.Client) -> None:
    rss = client.get(site.url("/mashriq/feed.rss")).text
    atom = client.get(site.url("/meridian/feed.atom")).text
    assert "<pubDate>Sun, 09 Mar 2025 07:30:00 +0300</pubDate>" in rss  # now - 2h, at +03:00
    assert "<published>2025-03-09T05:30:00Z</published>" in atom  # now - 1h, RFC 3339


def test_full_content_feed_carries_boilerplate_and_related_block(
    site: DemoSite, client: httpx.Client
) -> None:
    feed = feedparser.parse(client.get(site.url("/mashriq/feed.rss")).content)
    main = next(e for e in feed.entries if e.id == "mashriq-20428")
    body = main.content[0].value
    assert "اقرأ أيضاً:" in body and "جميع الحقوق محفوظة" in body and "جافاسكريبت" in body
    summaries = feedparser.parse(client.get(site.url("/bawsala/rss/latest.rss")).content)
    assert all("content" not in e for e in summaries.entries)


def _html_dates(page: lxml.html.HtmlElement) -> list[datetime]:
    found = [datetime.fromisoformat(v) for v in page.xpath("//time/@datetime")]
    found += [
        datetime.fromisoformat(v)
        for v in page.xpath("//meta[@property='article:published_time']/@content")
    ]
    for block in page.xpath("//script[@type='application/ld+json']/text()"):
        found.append(datetime.fromisoformat(json.loads(block)["datePublished"]))
    return found


def test_listing_and_article_pages_carry_valid_dates_and_links(
    site: DemoSite, client: httpx.Client
) -> None:
    listing = lxml.html.fromstring(client.get(site.url(LISTING)).content)
    links = [str(a.get("href")) for a in listing.xpath(CARD_LINKS)]
    assert len(links) == 4
    pages = links + [site.url(p) for p in site.paths() if p.startswith("/bawsala/article/")]
    for link in pages:
        response = client.get(link)
        assert response.status_code == 200, link
        page = lxml.html.fromstring(response.content)
        dates = _html_dates(page)
        assert len(dates) >= 3, link
        for when in dates:
            assert when.tzinfo is not None and NOW - timedelta(days=2) <= when <= NOW, link
        assert page.xpath("//h1"), link


def _served_items(site: DemoSite, client: httpx.Client) -> dict[str, set[str]]:
    """source id → the paths of the item links it serves."""
    items: dict[str, set[str]] = {}
    for path in FEEDS:
        feed = feedparser.parse(client.get(site.url(path)).content)
        source = path.split("/")[1]
        items[source] = {urlsplit(e.link).path for e in feed.entries}
    listing = lxml.html.fromstring(client.get(site.url(LISTING)).content)
    items["minbar"] = {urlsplit(str(a.get("href"))).path for a in listing.xpath(CARD_LINKS)}
    return items


def test_story_manifest_matches_what_is_served(site: DemoSite, client: httpx.Client) -> None:
    listed: dict[str, set[str]] = {}
    for item in MANIFEST["items"]:
        listed.setdefault(item["source"], set()).add(item["link"])
        assert item["story"] in MANIFEST["stories"], item
        assert not set(item["entities"]) & set(item["traps"]), item
    assert listed == _served_items(site, client)
    outlets: dict[str, set[str]] = {}
    for item in MANIFEST["items"]:
        outlets.setdefault(item["story"], set()).add(item["source"])
    assert len(outlets["nasirzadeh-moscow"]) == 5
    for digest in MANIFEST["expected_digests"].values():
        for entry in digest:
            assert len(outlets[entry["story"]]) == entry["outlets"], entry


def test_demo_config_points_at_the_site(site: DemoSite, client: httpx.Client) -> None:
    config = config_from_text(config_text(site.base_url), "<demo>", Path.cwd(), {})
    assert config.settings.fetch.allow_private
    assert {s.id for s in config.sources} == {"mashriq", "bawsala", "meridian", "minbar", "pegah"}
    for source in config.sources:
        assert client.get(source.url).status_code == 200, source.id
    subs = {c.id: [s.target for s in c.subscriptions] for c in config.channels}
    assert subs == {
        "analysts": ["iran-russia-defence", "drones", "@nasirzadeh"],
        "sanctions-desk": ["sanctions", "nuclear"],
    }


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("0", timedelta(0)),
        ("-5h", timedelta(hours=-5)),
        ("-6h30m", timedelta(hours=-6, minutes=-30)),
        ("-1d2h", timedelta(days=-1, hours=-2)),
        ("+90m", timedelta(minutes=90)),
        ("15m", timedelta(minutes=15)),
    ],
)
def test_offsets(text: str, delta: timedelta) -> None:
    assert parse_offset(text) == delta


def test_render_formats_and_rejects_unknown_placeholders() -> None:
    rendered = render(
        "{{base}}|{{date:-1h}}|{{date:0|ar|+03:30}}|{{date:0|en}}|{{date:0|fa}}|{{ date:0|year }}",
        "x.html",
        NOW,
        "http://127.0.0.1:9",
    )
    assert rendered.split("|") == [
        "http://127.0.0.1:9",
        "2025-03-09T05:30:00Z",
        "٩ مارس ٢٠٢٥ - ١٠:٠٠",
        "9 March 2025, 06:30",
        "۲۰۲۵/۰۳/۰۹ ۰۶:۳۰",
        "2025",
    ]
    assert render("<rss>{{date:-1h}}</rss>", "a.xml", NOW, "") == (
        "<rss>Sun, 09 Mar 2025 05:30:00 +0000</rss>"
    )
    for bad in ("{{date:yesterday}}", "{{date:0|julian}}", "{{date:0|en|Mars}}"):
        with pytest.raises(PlaceholderError, match=r"x\.html"):
            render(bad, "x.html", NOW, "")
    with pytest.raises(ValueError, match="timezone-aware"):
        DemoSite(datetime(2025, 1, 1))


def test_custom_root_and_no_leftover_braces(tmp_path: Path, client: httpx.Client) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "feed.rss").write_text("<rss>{{date:-1d}} {{base}}</rss>", encoding="utf-8")
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")
    with DemoSite(NOW, root=tmp_path) as running:
        assert running.paths() == ["/a/feed.rss"]
        body = client.get(running.url("a/feed.rss")).text
    assert body == f"<rss>Sat, 08 Mar 2025 06:30:00 +0000 {running.base_url}</rss>"
    assert not re.search(r"\{\{|\}\}", body)
