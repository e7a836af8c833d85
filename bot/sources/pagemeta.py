"""What a parsed article page says about itself (title, date, language, canonical link), and
the related-article blocks removed before extraction.

Dates are tried in order of trust: JSON-LD `datePublished`, `<meta>` publication tags,
`<time datetime>`, then a date written in words near the top (Arabic/Persian months, Eastern
digits). A 1-January-midnight date is suspect (a footer's copyright year): it is returned only
when nothing else is found, and the extractor (bot.sources.pages) then drops it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from lxml import etree
from lxml.html import HtmlElement

from bot.core.dates import is_suspect, parse_text_date, to_western_digits

META_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "date",
)
RELATED_MARKERS = re.compile(
    r"^\W*(?:ا|إ|أ)قرأ\s+(?:أ|ا)يضا|^\W*اقرا\s+ايضا|^\W*(?:مواضيع|مقالات|أخبار|اخبار)\s+ذات\s+صلة"
    r"|^\W*ذات\s+صلة|^\W*بیشتر\s+بخوانید|^\W*مطالب\s+مرتبط|^\W*بخوانید|^\W*اخبار\s+مرتبط"
    r"|^\W*(?:read\s+(?:more|also)|also\s+read|see\s+also|related(?:\s+(?:articles|stories|news))?)\b",
    re.I,
)
HEADING_TAGS = frozenset({"p", "div", "h2", "h3", "h4", "h5", "h6"})
LINK_BLOCKS = frozenset({"p", "div", "ul", "ol"})
HEADING_WORDS = 5
LINK_ONLY = 0.8  # share of an element's text that its links carry


def iter_dates(root: HtmlElement) -> Iterator[tuple[datetime, str]]:
    """Candidate publication dates with where each came from, most trusted first."""
    for script in root.iterfind(".//script[@type='application/ld+json']"):
        for value in _jsonld_dates(script.text or ""):
            if (dt := parse_iso(value)) is not None:
                yield dt, "json-ld"
    for meta in root.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in META_DATE_KEYS and (dt := parse_iso(meta.get("content") or "")) is not None:
            yield dt, "meta"
    for t in root.iterfind(".//time"):
        value = t.get("datetime") or t.text_content()
        dt = parse_iso(value) or parse_text_date(value)
        if dt is not None:
            yield dt, "time"
    for el in root.iter("span", "div", "p", "small", "li"):
        cls = f"{el.get('class', '')} {el.get('id', '')}".lower()
        if any(w in cls for w in ("date", "time", "publish", "posted", "تاریخ")):
            text = el.text_content()
            if len(text) < 120 and (dt := parse_text_date(text)) is not None:
                yield dt, "text"


def best_date(root: HtmlElement) -> tuple[datetime | None, str]:
    suspect: tuple[datetime | None, str] = (None, "")
    for dt, where in iter_dates(root):
        if not is_suspect(dt):
            return dt, where
        if suspect[0] is None:
            suspect = (dt, where)
    return suspect


def _jsonld_dates(text: str) -> Iterator[str]:
    try:
        data = json.loads(text)
    except ValueError:
        return
    stack = [data]
    while stack:
        node = stack.pop(0)
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            value = node.get("datePublished") or node.get("dateCreated")
            if isinstance(value, str):
                yield value
            stack.extend(v for k, v in node.items() if k == "@graph" or isinstance(v, list))


def parse_iso(value: str) -> datetime | None:
    value = to_western_digits(value.strip())
    if not re.match(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        try:
            dt = datetime.fromisoformat(value[:10])
        except ValueError:
            return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def page_title(root: HtmlElement) -> str:
    for xpath in (".//meta[@property='og:title']", ".//meta[@name='twitter:title']"):
        el = root.find(xpath)
        if el is not None and (el.get("content") or "").strip():
            return " ".join(el.get("content", "").split())
    for tag in (".//h1", ".//title"):
        el = root.find(tag)
        if el is not None and el.text_content().strip():
            return " ".join(el.text_content().split())
    return ""


def page_lang(root: HtmlElement) -> str | None:
    value: str = root.get("lang") or root.get("xml:lang") or ""
    if not value:
        el = root.find(".//meta[@http-equiv='content-language']")
        value = (el.get("content") or "") if el is not None else ""
    return value.strip().split("-")[0].lower() or None


def canonical_href(root: HtmlElement) -> str | None:
    for link in root.iterfind(".//link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href: str | None = link.get("href")
            return href
    return None


def is_element(node: object) -> bool:
    """A real element: comments, processing instructions and entities have a non-string
    tag and no text_content(); lxml hands them out from getnext(), iter() and friends."""
    return isinstance(node, HtmlElement) and isinstance(node.tag, str)


def next_element(el: HtmlElement) -> HtmlElement | None:
    """The next sibling that is an element, skipping comments and processing instructions
    (`<h3>Read also</h3><!-- list --><ul>` must reach the list)."""
    nxt = el.getnext()
    while nxt is not None and not is_element(nxt):
        nxt = nxt.getnext()
    return nxt


def _link_share(el: HtmlElement) -> float:
    text = len(" ".join(el.text_content().split()))
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return linked / text if text else 0.0


def _link_run(el: HtmlElement) -> list[HtmlElement]:
    """The elements right after `el` that are links and nothing else (a list of links, or
    paragraphs that are each a link), when they hold two links or more."""
    run: list[HtmlElement] = []
    nxt = next_element(el)
    while nxt is not None and nxt.tag in LINK_BLOCKS and _link_share(nxt) > LINK_ONLY:
        run.append(nxt)
        nxt = next_element(nxt)
    return run if sum(1 for x in run for _ in x.iter("a")) >= 2 else []


def _shaped_heading(el: HtmlElement, text: str) -> bool:
    """A short line without a sentence end that is not itself a link: it may head a block."""
    return (
        el.tag in HEADING_TAGS
        and 0 < len(text.split()) <= HEADING_WORDS
        and not text.endswith((".", "!", "?", "؟", "…"))
        and _link_share(el) < 0.5
    )


def prune_related(root: HtmlElement) -> int:
    """Remove "read also" paragraphs and related-article headings with their link lists.

    A marker paragraph is removed when links carry part of its text; a marker heading is
    removed with the link-dense block that follows it. A heading the markers do not know is
    removed by shape: a short line followed by links and nothing else (two or more), which
    go with it, so no heading is left standing once the extractor drops the links (other
    sites use other words). Returns how many blocks went.
    """
    doomed: list[HtmlElement] = []
    for el in root.iter("p", "div", "li", "h2", "h3", "h4", "h5", "h6", "strong", "span"):
        text = " ".join(el.text_content().split())
        if not text or len(text) > 300:
            continue
        if not RELATED_MARKERS.search(text):
            if _shaped_heading(el, text) and (run := _link_run(el)):
                doomed.extend([el, *run])
            continue
        if el.tag in ("h2", "h3", "h4", "h5", "h6", "strong", "span") or len(text) < 40:
            doomed.append(el)
            nxt = next_element(el)
            if nxt is not None and _link_share(nxt) > 0.5:
                doomed.append(nxt)
        elif _link_share(el) > 0.3:
            doomed.append(el)
    removed = 0
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
            removed += 1
    return removed


# Class or id words news sites give the paragraph that sums the article up under its headline
# (div.lead, p.introtext, div.article__announce, .standfirst): the article's first paragraph.
LEAD_CLASSES = re.compile(
    r"(?:^|[\s_-])(?:lead|leadtext|lede|intro|introtext|summary|standfirst|announce|abstract"
    r"|excerpt|subhead|dek)(?:$|[\s_-])",
    re.I,
)
_BLOCK_TAGS = frozenset({"p", "div", "ul", "ol", "li", "table", "section", "article", "aside"})
LEAD_MIN_WORDS = 6


def promote_leads(root: HtmlElement) -> int:
    """Turn a lead written as a `<div>` or `<span>` into a `<p>`: trafilatura keeps paragraphs
    and, favouring precision, drops a block of bare text however long, so a page's first
    paragraph was lost when its site set the lead apart (div.lead on many Persian sites).
    Only a block of running text: no block inside, at most a third of it links. Returns how
    many were turned."""
    turned = 0
    for el in root.iter("div", "span"):
        marks = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not LEAD_CLASSES.search(marks) or any(
            c.tag in _BLOCK_TAGS for c in el.iterdescendants()
        ):
            continue
        if len(el.text_content().split()) >= LEAD_MIN_WORDS and _link_share(el) <= 0.3:
            el.tag = "p"
            turned += 1
    return turned


def strip_scripts(root: HtmlElement) -> None:
    etree.strip_elements(root, "script", "style", "noscript", "template", with_tail=False)
