"""Mutated and random HTML and feeds through the page reader, the listing reader and the feed
parser: only the documented error types (PageError, FeedError) may come out.

The mutations are the shapes real pages break in: comments and processing instructions where
elements are expected (after a related-articles heading, between list items), cut-off
documents, stray markup, NUL and control characters, entities, and random bytes.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sources.feeds import FeedError, parse_feed
from bot.sources.listing import find_article_links
from bot.sources.pages import PageError, extract_article
from tests.servers.misbehaving import DATA

BASE = "http://127.0.0.1:8000"
PAGES = [
    (DATA / name).read_bytes()
    for name in ("page_ar.html", "page_en.html", "page_fa.html", "page_thin.html")
]
LISTING = (
    (DATA / "listing.html")
    .read_bytes()
    .replace(
        b"{{items}}",
        b"".join(
            b'<li><a href="/articles/%d.html">Story number %d of the day</a></li>' % (n, n)
            for n in range(6)
        ),
    )
)
FEEDS = [
    (DATA / name).read_bytes().replace(b"{{base}}", BASE.encode())
    for name in ("feed_en.xml", "feed_ar.xml", "feed_fa.atom", "feed_ru.xml", "feed_dupes.xml")
]
SNIPPETS = [
    b"<!-- list -->",
    b"<?php echo 1 ?>",
    b"<![CDATA[x]]>",
    b"<h3>\xd8\xa7\xd9\x82\xd8\xb1\xd8\xa3 \xd8\xa3\xd9\x8a\xd8\xb6\xd8\xa7\xd9\x8b</h3><!-- c -->",
    b"<h2>Related stories</h2><?pi x?><ul><li><a href='/x'>x</a></li></ul>",
    b"<p>Read also <!-- c --><a href='/y'>y</a></p>",
    b"&#0;",
    b"&#xD800;",
    b"&bogus;",
    b"\x00",
    b"\x0c\x1b",
    b"<",
    b">",
    b"</html>",
    b"<html>",
    b"<body>",
    b"<a href='javascript:alert(1)'>x</a>",
    b"<a href='http://[::1'>bad</a>",
    b"<a href='//'>",
    b"<base href='::::'>",
    b"<link rel='canonical' href='http://[bad'>",
    b"<time datetime='9999-99-99'>x</time>",
    b"<meta property='article:published_time' content='0000-00-00T25:61'>",
    b"<script type='application/ld+json'>{\"datePublished\": [1, {}]}</script>",
    b"<table><tr><td>cell</td></tr></table>",
    b"<svg><a xlink:href='/z'>z</a></svg>",
    b"<math><mi>x</mi></math>",
    b"<item><title>t</title><link>::</link></item>",
    b"<entry><link href='http://[x'/></entry>",
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
    b"&e;",
    b"<guid>",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
]


@st.composite
def mutated(draw: st.DrawFn, bases: list[bytes]) -> bytes:
    doc = bytearray(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(doc)))
        action = draw(st.sampled_from(["insert", "delete", "truncate", "bytes"]))
        if action == "insert":
            doc[at:at] = draw(st.sampled_from(SNIPPETS))
        elif action == "delete":
            del doc[at : at + draw(st.integers(1, 200))]
        elif action == "truncate":
            del doc[at:]
        else:
            doc[at:at] = draw(st.binary(max_size=20))
    return bytes(doc)


def random_html() -> st.SearchStrategy[bytes]:
    tags = st.sampled_from(["p", "div", "h3", "ul", "li", "a", "span", "table", "td", "article"])
    leaf = st.one_of(
        st.text(max_size=30).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from(SNIPPETS),
    )
    tree = st.recursive(
        leaf,
        lambda inner: st.tuples(tags, st.lists(inner, max_size=4)).map(
            lambda t: (
                b"<%s href='/n/%d'>" % (t[0].encode(), len(t[1]))
                + b"".join(t[1])
                + b"</%s>" % t[0].encode()
            )
        ),
        max_leaves=25,
    )
    return st.one_of(tree, st.binary(max_size=300))


HOSTILE = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@HOSTILE
@given(st.one_of(mutated(PAGES), random_html()))
def test_page_reader_raises_only_page_error(body: bytes) -> None:
    try:
        page = extract_article(body, BASE + "/news/1")
    except PageError:
        return
    assert isinstance(page.text, str) and isinstance(page.title, str)


@HOSTILE
@given(st.one_of(mutated([LISTING, *PAGES]), random_html()), st.sampled_from([None, "li a", "div"]))
def test_listing_reader_raises_only_page_error(body: bytes, selector: str | None) -> None:
    try:
        links = find_article_links(body, BASE + "/listing", selector)
    except PageError:
        return
    assert all(link.startswith(("http://", "https://")) for link in links)


@HOSTILE
@given(st.one_of(mutated(FEEDS), random_html()))
def test_feed_parser_raises_only_feed_error(body: bytes) -> None:
    try:
        feed = parse_feed(body, BASE + "/feed.xml", "hostile")
    except FeedError:
        return
    assert all(item.source_id == "hostile" for item in feed.items)


def test_comment_after_a_related_heading_is_read() -> None:
    body = (
        "<html lang='ar'><body><article><h1>زيارة الميناء</h1>"
        "<p>وصل الوزير إلى الميناء الشمالي صباح الأحد في زيارة تفقدية استمرت ثلاث ساعات، "
        "والتقى خلالها بقادة خفر السواحل وعمال الرصيف.</p>"
        "<h3>اقرأ أيضاً</h3><!-- list --><ul><li><a href='/x/1'>خبر آخر تماما</a></li></ul>"
        "</article></body></html>"
    ).encode()
    page = extract_article(body, BASE + "/news/2")
    assert "وصل الوزير إلى الميناء الشمالي" in page.text
    assert "خبر آخر" not in page.text
