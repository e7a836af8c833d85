"""Article pages → title, date, language, canonical URL and main text (listings: listing.py).

Main text comes from trafilatura (`favor_precision=True, include_comments=False`), with the
pitfalls seen on Arabic and Persian pages handled around it: bytes are decoded here (header
charset and `<meta>`, never httpx's `.text`); the zero-width non-joiner, which trafilatura
deletes (gluing رئیس‌جمهور into one word), is swapped for a placeholder through extraction;
"read also" paragraphs and related-article blocks are cut from the DOM first and the text
cleanup runs after; a headline repeated as the first line is dropped; dates come from the
page's own markup before trafilatura's guess, and a page dated only 1 January at midnight (a
copyright year) counts as undated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from bot.core.cleanup import clean_text
from bot.core.dates import is_suspect
from bot.core.urls import resolve_canonical
from bot.sources.decode import NOT_XML_CHARS, decode_body
from bot.sources.pagemeta import (
    best_date,
    canonical_href,
    page_lang,
    page_title,
    parse_iso,
    promote_leads,
    prune_related,
    strip_scripts,
)
from bot.sources.tables import table_text

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


class PageError(Exception):
    """The bytes are not an HTML document lxml can read."""


def parse_html(body: bytes, headers: Mapping[str, str] | None) -> HtmlElement:
    text, _ = decode_body(body, headers)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str with an encoding decl
    # lxml keeps control characters in the tree it builds, then refuses them the moment a
    # text is set (drop_tree, make_links_absolute): they go before parsing.
    text = NOT_XML_CHARS.sub(" ", text)
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
    promote_leads(root)
    html = etree.tostring(root, encoding="unicode", method="html")
    placeholder = next((p for p in _PLACEHOLDERS if p not in html), "")
    if placeholder:
        html = html.replace(ZWNJ, placeholder).replace("&zwnj;", placeholder)
    doc = _extract(html, url, tables=False)
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
    if published is not None and is_suspect(published):
        # 1 January at midnight is a footer's copyright year, not the article's date: undated,
        # so the fetch time stands in (else the story would be dated months back)
        published, published_from = None, ""
    if placeholder:
        text = text.replace(placeholder, ZWNJ)
        title = title.replace(placeholder, ZWNJ)
    if len(text) < MIN_TEXT_CHARS:  # thin: perhaps the article is laid out in a table
        laid_out = table_text(root)
        text = laid_out if len(laid_out) > len(text) else text
    text = clean_text(_drop_repeated_title(text, title))
    return ExtractedPage(title, text.strip(), published, published_from, lang, canonical)


def _extract(html: str, url: str, tables: bool) -> Any:
    try:
        return trafilatura.bare_extraction(
            html,
            url=url,
            favor_precision=True,
            include_comments=False,
            include_tables=tables,
            with_metadata=True,
            deduplicate=False,
        )
    except Exception as exc:  # the extractor's own crash on this page is this page's error
        raise PageError(f"extraction failed: {type(exc).__name__}: {exc}"[:200]) from None


def _text_of(doc: Any) -> str:
    return (doc.text or "") if doc is not None and not isinstance(doc, dict) else ""


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
