"""Feed bytes → RawItems: encodings, relative links, TTL, bozo, duplicate GUIDs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.identity import item_key
from bot.sources.feeds import FeedError, parse_feed
from tests.servers.misbehaving import DATA, to_cp1256

BASE = "http://127.0.0.1:8000"


def _bytes(name: str) -> bytes:
    return (DATA / name).read_text(encoding="utf-8").replace("{{base}}", BASE).encode()


def test_rss_items_ttl_links_and_text() -> None:
    feed = parse_feed(_bytes("feed_en.xml"), BASE + "/f/feed_en.xml", "ledger")
    assert feed.title == "The Harbour Ledger" and feed.ttl == 1800 and feed.bozo is None
    first, second, third = feed.items
    assert first.guid == "ledger-5521" and first.lang == "en" and first.text == ""
    assert first.published == datetime(2024, 3, 14, 6, 15, tzinfo=UTC)
    assert first.published_from == "feed"
    assert second.url == BASE + "/travel/2024/03/ferry-timetable-5519"  # relative link resolved
    assert second.text.startswith("The island ferry will sail twice a day")
    assert "\n" in second.text and "<p>" not in second.text
    assert third.summary.startswith("A new museum")


def test_atom_xml_base_resolves_relative_links() -> None:
    feed = parse_feed(_bytes("feed_fa.atom"), BASE + "/feeds/fa.atom", "nasim")
    assert [i.url for i in feed.items] == [
        BASE + "/fa/news/8850/water-project",
        BASE + "/other/culture/8851",
    ]
    assert feed.items[0].lang == "fa" and "\u200c" in feed.items[0].title


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (to_cp1256(_bytes("feed_ar.xml").decode()), {"content-type": "text/xml; charset=utf-8"}),
        (
            _bytes("feed_ar.xml")
            .decode()
            .replace('encoding="utf-8"', 'encoding="windows-1256"')
            .encode("cp1256"),
            {"content-type": "application/rss+xml; charset=utf-8"},
        ),
    ],
)
def test_windows_1256_feed_with_a_wrong_header(body: bytes, headers: dict[str, str]) -> None:
    feed = parse_feed(body, BASE + "/ar.xml", "sada", headers)
    assert feed.title == "صدى الساحل"
    assert feed.items[0].title == "وزير الدفاع يزور ميناء الرمال الشمالي"


def test_windows_1251_feed_declared_only_in_xml() -> None:
    body = _bytes("feed_ru.xml").decode().replace('encoding="utf-8"', 'encoding="windows-1251"')
    feed = parse_feed(
        body.encode("cp1251"), BASE + "/ru.xml", "vestnik", {"content-type": "text/xml"}
    )
    assert feed.items[0].title == "Министр обороны посетил северный порт"


def test_duplicate_guids_still_give_distinct_keys() -> None:
    feed = parse_feed(_bytes("feed_dupes.xml"), BASE + "/dupes.xml", "daily")
    assert len(feed.items) == 4 and all(i.guid is None for i in feed.items)
    assert len({item_key(i) for i in feed.items}) == 4


def test_truncated_feed_is_read_as_far_as_it_goes() -> None:
    feed = parse_feed(_bytes("feed_truncated.xml"), BASE + "/cut.xml", "cut")
    assert feed.bozo and feed.items[0].title == "A complete first item"


@pytest.mark.parametrize("name", ["page_en.html", "listing.html"])
def test_html_served_as_a_feed_is_an_error(name: str) -> None:
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(_bytes(name), BASE + "/x", "x", {"content-type": "application/rss+xml"})


def test_empty_body_is_an_error() -> None:
    with pytest.raises(FeedError):
        parse_feed(b"", BASE + "/x", "x")


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">
<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rss version="2.0"><channel><title>T</title>
<item><title>x &xxe; y</title><link>http://127.0.0.1:8000/a/1-x-y</link>
<description>&d;&d;&d;&d;&d;</description></item></channel></rss>"""


def test_no_external_entities_and_no_expansion_blowup() -> None:
    feed = parse_feed(XXE, BASE + "/x.xml", "x")
    for item in feed.items:
        assert "root:" not in item.title + item.text + item.summary
        assert len(item.summary) < 100_000


def test_opml_refuses_external_entities() -> None:
    from bot.core.opml import OpmlError, parse_opml
    from bot.sources.kinds import DEFAULT_KIND, opml_forms

    data = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<opml version="2.0"><body><outline text="&xxe;" xmlUrl="https://a.example/rss"/>'
        b"</body></opml>"
    )
    with pytest.raises(OpmlError, match="external entity"):
        parse_opml(data, opml_forms(), DEFAULT_KIND)
