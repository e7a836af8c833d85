"""The lxml fast path for plain RSS 2.0 must read every feed exactly as feedparser does.

Each case is parsed twice, once with the fast path and once with it switched off, and the
two ParsedFeeds must be equal; `fast` says whether the fast path is expected to take it (the
rest must fall through to feedparser rather than be read differently).
"""

from __future__ import annotations

import pytest

from bot.sources import feeds
from bot.sources.feeds import parse_feed
from tests.servers.misbehaving import DATA

BASE = "http://127.0.0.1:8000"
URL = BASE + "/news/feed.xml"
CONTENT_NS = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
DC_NS = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
ATOM_NS = 'xmlns:atom="http://www.w3.org/2005/Atom"'


def _rss(items: str, channel: str = "<title>Outlet</title><link>/</link>") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {CONTENT_NS} {DC_NS} '
        f"{ATOM_NS}><channel>{channel}{items}</channel></rss>"
    ).encode()


PLAIN = {
    "entities in title": "<item><title>A &amp;lt;b&amp;gt; &lt;b&gt;bold&lt;/b&gt; &#233;t&#233;"
    "</title><link>/a/1</link></item>",
    "mojibake and cp1252 controls": "<item><title>CafÃ© \u0096 dash \u0080</title>"
    "<link>/a/2</link><description>  spaced  </description></item>",
    "query link with entities": "<item><title>Q</title>"
    "<link>http://127.0.0.1:8000/a?x=1&amp;y=2&amp;amp;z=3</link></item>",
    "permalink guid, no link": "<item><title>G</title><guid>/a/3-guid</guid></item>",
    "permalink guid True": '<item><title>G</title><guid isPermaLink="True">/a/4</guid></item>',
    "guid not permalink": "<item><title>G</title><guid isPermaLink='false'>x-5</guid>"
    "<link>/a/5</link></item>",
    "guid before and after link": "<item><guid>/g/6</guid><title>L</title><link>/a/6</link>"
    "</item><item><link>/a/7</link><guid>/g/7</guid></item>",
    "empty guid": "<item><title>E</title><guid></guid><link>/a/8</link></item>",
    "content before description": "<item><title>C</title><content:encoded><![CDATA[<p>Full"
    " <b>text</b></p><p>Two</p>]]></content:encoded><description>Short</description></item>",
    "content only": "<item><title>C</title><content:encoded>&lt;p&gt;Only&lt;/p&gt;"
    "</content:encoded></item>",
    "description only, html": "<item><title>D</title><description><![CDATA[<p>One</p>"
    "<script>x()</script>two]]></description></item>",
    "empty description": "<item><title>D</title><description/><content:encoded>Body"
    "</content:encoded></item>",
    "dates": "<item><title>P</title><pubDate>Mon, 02 Sep 2024 10:00:00 +0200</pubDate></item>"
    "<item><title>U</title><dc:date>2024-09-02T10:00:00Z</dc:date></item>"
    "<item><title>B</title><pubDate>yesterday</pubDate><dc:date>2024-09-01</dc:date></item>",
    "ignored item elements": "<item><title>I</title><category domain='x'>c</category>"
    "<author>a@b.c (A)</author><comments>/c</comments><dc:creator>Me</dc:creator>"
    "<link>/a/9</link></item>",
    "no title, nothing": "<item><description>Only a summary</description></item><item/>",
    "home link": "<item><title>H</title><link>/</link></item>",
    "upper-case tags": "<item><TITLE>Up</TITLE><PUBDATE>Mon, 02 Sep 2024 10:00:00 GMT</PUBDATE>"
    "</item>",
}
CHANNELS = {
    "self atom link, ttl, language": f'<title>T &amp; U</title><atom:link href="{URL}" '
    'rel="self" type="application/rss+xml"/><link>http://127.0.0.1:8000/home?a=1&amp;b=2</link>'
    "<ttl> 45 </ttl><language>en-US</language><image><title>Logo</title><url>/l.png</url>"
    "<link>/</link></image><lastBuildDate>Mon, 02 Sep 2024 10:00:00 GMT</lastBuildDate>",
    "no link": "<title>No link</title>",
}
FALLBACK = {
    "xml:base": '<item xml:base="http://127.0.0.1:8000/x/"><title>B</title><link>a</link></item>',
    "markup in description": "<item><title>M</title><description><p>x</p></description></item>",
    "unknown item element": '<item><title>E</title><enclosure url="/e.mp3"/></item>',
    "repeated title": "<item><title>1</title><title>2</title></item>",
    "comment in title": "<item><title>A<!-- c -->B</title></item>",
    "empty link": "<item><title>L</title><guid>/g</guid><link/></item>",
    "alternate atom link": '<atom:link href="/alt"/><item><title>A</title></item>',
}


def _both(body: bytes, monkeypatch: pytest.MonkeyPatch, mime: str) -> tuple[object, object]:
    headers = {"content-type": mime}
    fast = parse_feed(body, URL, "src", headers, "fr")
    with monkeypatch.context() as m:
        m.setattr(feeds, "_fast_rss", lambda data, url: None)
        slow = parse_feed(body, URL, "src", headers, "fr")
    return fast, slow


def _fixture(name: str) -> bytes:
    return (DATA / name).read_text(encoding="utf-8").replace("{{base}}", BASE).encode()


CASES = (
    [(_rss(v), True, k) for k, v in PLAIN.items()]
    + [(_rss(PLAIN["dates"], v), True, k) for k, v in CHANNELS.items()]
    + [(_rss(v), False, k) for k, v in FALLBACK.items()]
    + [(_fixture(n), True, n) for n in ("feed_en.xml", "feed_ru.xml", "feed_ar.xml")]
    + [(_fixture(n), True, n) for n in ("feed_dupes.xml",)]
    + [(_fixture(n), False, n) for n in ("feed_fa.atom", "feed_truncated.xml")]
)


@pytest.mark.parametrize(("body", "fast", "name"), CASES, ids=[c[2] for c in CASES])
@pytest.mark.parametrize("mime", ["application/rss+xml", "text/xml"])
def test_fast_path_reads_as_feedparser_does(
    body: bytes, fast: bool, name: str, mime: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (feeds._fast_rss(body, URL) is not None) == fast
    got, want = _both(body, monkeypatch, mime)
    assert got == want


def test_other_content_types_go_to_feedparser(monkeypatch: pytest.MonkeyPatch) -> None:
    """feedparser marks a feed served as text/html bozo; the fast path must not hide that."""
    got, want = _both(_fixture("feed_en.xml"), monkeypatch, "text/html")
    assert got == want
