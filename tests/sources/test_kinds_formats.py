"""The telegram, sitemap and jsonfeed kinds at their edges: configuration (`channel:`),
OPML export and import through the CLI, `newswatch extract` on saved files and on loopback
URLs, and the small recognisers feed discovery uses."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from lxml import etree

from bot.cli import main
from bot.config import ConfigError, config_from_text
from bot.sources.jsonfeed import looks_like_jsonfeed, parse_jsonfeed
from bot.sources.kinds import sniff_kind
from bot.sources.sitemap import is_news_sitemap, is_sitemap
from bot.sources.tgchannel import page_url, parse_channel_page
from tests.sources.kinds_site import DATA, KindsSite, fixture

SOURCES = """\
sources:
  - {id: qaws, kind: telegram, channel: qawsnews, full_text: true, lang: ar}
  - {id: anba, kind: sitemap, url: https://anba.example/news-sitemap.xml, interval: 10m}
  - {id: courier, kind: jsonfeed, url: https://courier.example/feed.json, name: Courier}
  - {id: plain, url: https://plain.example/rss.xml}
"""


def write_config(folder: Path, sources: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "rules").mkdir(exist_ok=True)
    path = folder / "newswatch.yaml"
    path.write_text(f"database: nw.db\nrules: []\n{sources}", encoding="utf-8")
    return path


def test_a_channel_name_stands_for_its_preview_address(tmp_path: Path) -> None:
    config = config_from_text(SOURCES, "<t>", tmp_path, {})
    qaws = next(s for s in config.sources if s.id == "qaws")
    assert (qaws.kind, qaws.url, qaws.full_text) == ("telegram", "https://t.me/s/qawsnews", True)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{id: q, kind: telegram, channel: 'qa ws'}", "sources[0].channel: a public channel name"),
        (
            "{id: q, kind: telegram, channel: qawsnews, url: 'https://t.me/s/qawsnews'}",
            "sources[0].channel: give `url` or `channel`, not both",
        ),
        ("{id: q, kind: telegram}", "sources[0].url: required http(s) URL (or `channel`)"),
        (
            "{id: q, kind: sitemap, channel: qawsnews, url: 'https://a.example/s.xml'}",
            "sources[0].channel: only for kind telegram",
        ),
        (
            "{id: q, kind: sitemap, url: 'https://a.example/s.xml', full_text: true}",
            "sources[0].full_text: only for kind feed or telegram or jsonfeed",
        ),
    ],
)
def test_kind_keys_are_checked_at_load(tmp_path: Path, entry: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_text(f"sources:\n  - {entry}\n", "<t>", tmp_path, {})
    assert message in str(caught.value)


def _outlines(opml: str) -> list[dict[str, str]]:
    root = etree.fromstring(opml.encode("utf-8"))
    return sorted((dict(el.attrib) for el in root.iter("outline")), key=lambda a: a["text"])


def test_the_new_kinds_round_trip_through_opml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write_config(tmp_path / "a", SOURCES)
    assert main(["sources", "import", "--config", str(first), str(DATA / "empty.opml")]) == 0
    out = tmp_path / "out.opml"
    assert main(["sources", "export", "--config", str(first), "-o", str(out)]) == 0
    exported = _outlines(out.read_text(encoding="utf-8"))
    assert [(o["text"], o.get("kind"), o["type"]) for o in exported] == [
        ("Courier", "jsonfeed", "rss"),
        ("anba", "sitemap", "link"),
        ("plain", None, "rss"),
        ("qaws", "telegram", "link"),
    ]
    assert exported[0]["xmlUrl"] == "https://courier.example/feed.json"
    assert exported[3]["url"] == "https://t.me/s/qawsnews"
    assert exported[3]["fullText"] == "true" and exported[3]["lang"] == "ar"
    assert exported[1]["interval"] == "600"

    second = write_config(tmp_path / "b", "")  # no sources of its own: all from the OPML
    capsys.readouterr()
    assert main(["sources", "import", "--config", str(second), str(out)]) == 0
    assert "4 added" in capsys.readouterr().out
    again = tmp_path / "again.opml"
    assert main(["sources", "export", "--config", str(second), "-o", str(again)]) == 0
    back = _outlines(again.read_text(encoding="utf-8"))
    same = ("kind", "type", "url", "xmlUrl", "fullText", "lang", "interval", "text")
    assert [{k: o.get(k) for k in same} for o in back] == [
        {k: o.get(k) for k in same} for o in exported
    ]


@pytest.mark.parametrize(
    ("name", "kind", "count"),
    [
        ("channel_newest.html", "telegram", 4),
        ("sitemap_news.xml", "sitemap", 4),
        ("sitemap_index.xml", "sitemap", 0),
        ("feed.json", "jsonfeed", 3),
    ],
)
def test_extract_reads_saved_files_of_each_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, kind: str, count: int
) -> None:
    saved = tmp_path / name
    saved.write_text(fixture(name, "https://anba.example"), encoding="utf-8")
    config = write_config(tmp_path / "c", "")
    assert main(["extract", "--config", str(config), "--json", str(saved)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["kind"], len(result["items"])) == (kind, count)
    if kind == "telegram":
        assert result["items"][0]["url"] == "https://t.me/qawsnews/201"
        assert result["items"][0]["published"] == "2026-12-06T07:10:00+00:00"
    if name == "sitemap_news.xml":
        assert result["items"][2]["lang"] == "fa"
        assert result["items"][2]["published"] == "2026-12-06T11:10:00+00:00"


async def test_extract_reads_a_channel_on_loopback(
    site: KindsSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path / "c", "")
    url = f"{site.base}/s/qawsnews"
    args = ["extract", "--config", str(config), "--allow-private", "--json", url]
    # main runs its own event loop: give it a thread of its own
    status = await asyncio.to_thread(main, args)
    assert status == 0
    result = json.loads(capsys.readouterr().out)
    assert result["kind"] == "telegram"
    assert [i["url"] for i in result["items"]][-1] == "https://t.me/qawsnews/204"


def test_the_recognisers_feed_discovery_uses() -> None:
    feed = fixture("feed.json", "https://c.example").encode("utf-8")
    news = fixture("sitemap_news.xml", "https://a.example").encode("utf-8")
    index = fixture("sitemap_index.xml", "https://a.example").encode("utf-8")
    rss = (Path(__file__).parent.parent / "data" / "sources" / "feed_en.xml").read_bytes()
    assert looks_like_jsonfeed(feed) and not looks_like_jsonfeed(b'{"version": "1.1"}')
    assert not looks_like_jsonfeed(feed[: len(feed) // 2])  # truncated
    assert not looks_like_jsonfeed(news) and not looks_like_jsonfeed(b"")
    assert is_news_sitemap(news) and not is_news_sitemap(index) and is_sitemap(index)
    assert not is_news_sitemap(rss) and not is_sitemap(feed)
    assert [getattr(sniff_kind(b, ""), "name", None) for b in (feed, news, index, rss)] == [
        "jsonfeed",
        "sitemap",
        "sitemap",
        "feed",
    ]


def test_a_channel_page_read_alone() -> None:
    page = parse_channel_page(fixture("channel_later.html", "https://x.example").encode(), "q")
    assert page.before == 201 and page.title == "قوس الأخبار"
    edited = {p.item.guid: p.edited for p in page.posts}
    assert edited == {
        "https://t.me/qawsnews/201": False,
        "https://t.me/qawsnews/203": True,
        "https://t.me/qawsnews/204": False,
        "https://t.me/qawsnews/205": False,
    }
    older = parse_channel_page(fixture("channel_older.html", "").encode(), "q")
    # neither the service message nor the photo without words is a post to read
    assert [p.item.guid for p in older.posts] == ["https://t.me/qawsnews/200"]
    assert older.before is None  # the channel's first page
    assert page_url("https://t.me/s/qawsnews?q=x", 180) == "https://t.me/s/qawsnews?before=180"


def test_a_json_feed_item_that_is_not_an_object_is_skipped_and_said() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1",
            "items": [7, {"id": 12, "url": "/a", "content_text": "Kept."}],
        }
    ).encode()
    feed = parse_jsonfeed(body, "https://c.example/feed.json", "c")
    assert feed.bozo == "items[0] is not an object"
    [item] = feed.items
    assert (item.guid, item.url, item.text) == ("12", "https://c.example/a", "Kept.")


async def test_fetch_says_how_many_stored_posts_were_edited(
    site: KindsSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "f"
    config = write_config(
        folder,
        f"fetch: {{allow_private: true}}\nsources:\n"
        f"  - {{id: qaws, kind: telegram, url: {site.base}/s/qawsnews}}\n",
    )

    def fetch(*args: str) -> str:
        assert main(["--config", str(config), "fetch", *args]) == 0
        return capsys.readouterr().out

    [first] = json.loads(await asyncio.to_thread(fetch, "--json"))
    assert (first["new"], first["updated"]) == (5, 0)
    site.stage = 3
    line = await asyncio.to_thread(fetch)
    assert line == "qaws: 1 new of 4 listed, 1 edited\n"  # 205 is new, 203 was edited
