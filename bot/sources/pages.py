"""Article pages → title, date, language, canonical URL and main text; listing pages → links.

Main text comes from trafilatura (`favor_precision=True, include_comments=False`), with the
pitfalls seen on Arabic and Persian pages handled around it: bytes are decoded here (header
charset and `<meta>`, never httpx's `.text`); the zero-width non-joiner, which trafilatura
deletes (gluing رئیس‌جمهور into one word), is swapped for a placeholder through extraction;
"read also" paragraphs and related-article blocks are cut from the DOM first and the text
cleanup runs after; a headline repeated as the first line is dropped; dates come from the
page's own markup before trafilatura's guess, and 1 January is treated as suspect.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from bot.core.cleanup import clean_text
from bot.core.dates import is_suspect
from bot.core.urls import canonical_url, resolve_canonical, same_site
from bot.sources.decode import decode_body
from bot.sources.pagemeta import (
    best_date,
    canonical_href,
    page_lang,
    page_title,
    parse_iso,
    prune_related,
    strip_scripts,
)

MIN_TEXT_CHARS = 150  # less than this is "almost nothing": callers fall back to the summary
ZWNJ = "\u200c"
_PLACEHOLDERS = ("\u034f", "\u2e3b\u2e3b")  # survive trafilatura's clean-up, unlike ZWNJ


@dataclass(frozen=True)
class ExtractedPage:
    title: str
    text: str
    published: datetime | None
    published_from: str  # json-ld, meta, time, text, trafilatura, or "" when unknown
    lang: str | None
    canonical_url: str

    @property
    def is_thin(self) -> bool:
        return len(self.text) < MIN_TEXT_CHARS


_NOT_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class PageError(Exception):
    """The bytes are not an HTML document lxml can read."""


def parse_html(body: bytes, headers: Mapping[str, str] | None) -> HtmlElement:
    text, _ = decode_body(body, headers)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str with an encoding decl
    # lxml keeps control characters in the tree it builds, then refuses them the moment a
    # text is set (drop_tree, make_links_absolute): they go before parsing.
    text = _NOT_XML_CHARS.sub(" ", text)
    if not text.strip():
        raise PageError("empty document")
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise PageError(f"unreadable HTML: {exc}") from None
    if not isinstance(root, HtmlElement):
        raise PageError("not an HTML document")
    return root


def extract_article(
    body: bytes, url: str, headers: Mapping[str, str] | None = None
) -> ExtractedPage:
    root = parse_html(body, headers)
    published, published_from = best_date(root)  # before scripts go: JSON-LD lives in one
    title = page_title(root)
    canonical = resolve_canonical(url, canonical_href(root))
    lang = page_lang(root)
    strip_scripts(root)
    prune_related(root)
    html = etree.tostring(root, encoding="unicode", method="html")
    placeholder = next((p for p in _PLACEHOLDERS if p not in html), "")
    if placeholder:
        html = html.replace(ZWNJ, placeholder).replace("&zwnj;", placeholder)
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
            deduplicate=False,
        )
    except Exception as exc:  # the extractor's own crash on this page is this page's error
        raise PageError(f"extraction failed: {type(exc).__name__}: {exc}"[:200]) from None
    text = ""
    if doc is not None and not isinstance(doc, dict):
        text = doc.text or ""
        if not title and doc.title:
            title = doc.title
        fallback = parse_iso(doc.date or "") if doc.date else None
        if fallback is not None and (
            published is None or (is_suspect(published) and not is_suspect(fallback))
        ):
            published, published_from = fallback, "trafilatura"
        lang = lang or doc.language
    if placeholder:
        text = text.replace(placeholder, ZWNJ)
        title = title.replace(placeholder, ZWNJ)
    text = clean_text(_drop_repeated_title(text, title))
    return ExtractedPage(title, text.strip(), published, published_from, lang, canonical)


def _comparable(s: str) -> str:
    return re.sub(r"[\W_]+", "", s.casefold())


def _drop_repeated_title(text: str, title: str) -> str:
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and title:
        first, head = _comparable(lines[0]), _comparable(title)
        if first and (first == head or (len(first) > 10 and head.startswith(first))):
            lines.pop(0)
    return "\n".join(lines)


NAV_WORDS = re.compile(
    r"nav|menu|footer|header|breadcrumb|social|share|sidebar|pagination|pager|tags|topbar",
    re.I,
)
NON_ARTICLE_PATH = re.compile(
    r"/(?:tag|tags|category|categories|section|author|authors|page|search|login|register|"
    r"about|contact|privacy|terms|subscribe|feed|rss|archive|video|videos|photos|gallery)"
    r"(?:/|$)|\.(?:jpe?g|png|gif|webp|svg|pdf|mp[34]|zip|xml|css|js)$",
    re.I,
)


def _article_like(path: str) -> bool:
    if NON_ARTICLE_PATH.search(path):
        return False
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    last = segments[-1]
    return bool(
        re.search(r"\d{4,}", path)
        or last.count("-") >= 2
        or len(last) >= 24
        or (len(segments) >= 3 and len(last) >= 6)
    )


def _in_navigation(a: HtmlElement) -> bool:
    for el in a.iterancestors():
        if el.tag in ("nav", "header", "footer", "aside", "menu"):
            return True
        if NAV_WORDS.search(f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"):
            return True
    return False


def _make_links_absolute(root: HtmlElement, url: str) -> None:
    """Every `<a href>` made absolute against `<base href>` or the page URL; an href that
    cannot be resolved (`http://[x`) is dropped. (lxml's make_links_absolute raises
    ValueError on an unreadable `<base href>` whatever handle_failures says.)"""
    base = url
    for el in root.iter("base"):
        with contextlib.suppress(ValueError):
            base = urljoin(url, (el.get("href") or "").strip())
        break
    for a in root.iter("a"):
        href = a.get("href")
        if href is None:
            continue
        try:
            a.set("href", urljoin(base, href.strip()))
        except ValueError:
            del a.attrib["href"]


def find_article_links(body: bytes, url: str, selector: str | None = None) -> list[str]:
    """Article links on a listing page, in page order, without repeats."""
    root = parse_html(body, None)
    _make_links_absolute(root, url)
    anchors: list[HtmlElement] = []
    if selector:
        for el in root.cssselect(selector):
            anchors.extend([el] if el.tag == "a" else el.iter("a"))
    else:
        anchors = [a for a in root.iter("a") if not _in_navigation(a)]
    found: dict[str, str] = {}
    listing = canonical_url(url)
    for a in anchors:
        href = (a.get("href") or "").strip()
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https"):
            continue
        key = canonical_url(href)
        if key == listing or key in found:
            continue
        if not selector and not (same_site(href, url) and _article_like(parts.path)):
            continue
        found[key] = href.split("#")[0]
    return list(found.values())
