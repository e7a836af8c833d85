"""Listing pages → the article links they list, judged by the page's structure.

With a CSS selector, the links it matches are taken as they are. Without one, each same-site
link outside the navigation is scored on several signals, none decisive alone:

- repeated block: the link sits in a run of 3+ links with the same markup around them (the
  `<li><a>` of a list, the `<h3><a>` of a card grid): +2;
- similar URLs: 3+ candidate links share the link's first path segment and depth: +1;
- URL shape: long digit runs, hyphenated slugs, deep paths (the old rule): +2;
- link text: a headline (4+ words or 25+ characters): +1; a word or two of under 10
  characters ("More", "2", "Video"): -2.

A link scoring 3 or more is an article. So `/articles/12.html` and `/world/story-abc` in a
list of headlines are found, while a tag cloud of one-word links, a pager and a menu are not.
Links into navigation (`nav`, `header`, `footer`, `aside`, menu/pager/share classes) and to
non-article paths (tags, authors, search, feeds, images) never count.

When nothing is found, `Listing.warning` says why (selector matched nothing, or no link
looked like an article): the fetch cycle shows it instead of a silent "unchanged".
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from bot.core.urls import canonical_url, same_site
from bot.sources.pages import parse_html

NAV_WORDS = re.compile(
    r"nav|menu|footer|header|breadcrumb|social|share|sidebar|pagination|pager|tags|topbar",
    re.I,
)
NON_ARTICLE_PATH = re.compile(
    r"/(?:tag|tags|topic|topics|category|categories|section|author|authors|page|search|login|"
    r"register|about|contact|privacy|terms|subscribe|feed|rss|archive|video|videos|photos|"
    r"gallery)(?:/|$)|\.(?:jpe?g|png|gif|webp|svg|pdf|mp[34]|zip|xml|css|js)$",
    re.I,
)
ACCEPT_SCORE = 3
REPEATED = 3  # links with the same surrounding markup that make a block of a list


@dataclass(frozen=True)
class Listing:
    links: tuple[str, ...]  # article links in page order, without repeats
    warning: str | None = None  # why nothing was found, when nothing was


def find_article_links(body: bytes, url: str, selector: str | None = None) -> list[str]:
    """Article links on a listing page, in page order, without repeats."""
    return list(read_listing(body, url, selector).links)


def read_listing(body: bytes, url: str, selector: str | None = None) -> Listing:
    """The listing's article links, and a warning when there are none. Raises PageError."""
    root = parse_html(body, None)
    _make_links_absolute(root, url)
    if selector:
        matched = root.cssselect(selector)
        anchors: list[HtmlElement] = []
        for el in matched:
            anchors.extend([el] if el.tag == "a" else el.iter("a"))
        links = _unique(url, anchors)
        if not matched:
            return Listing((), f"selector {selector!r} matched nothing")
        if not links:
            return Listing((), f"selector {selector!r} matched {len(matched)} elements, no links")
        return Listing(tuple(links))
    links = _by_structure(root, url)
    return Listing(tuple(links), None if links else "no article links found on the listing")


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


def _unique(url: str, anchors: list[HtmlElement]) -> list[str]:
    found: dict[str, str] = {}
    listing = canonical_url(url)
    for a in anchors:
        href = (a.get("href") or "").strip()
        if urlsplit(href).scheme not in ("http", "https"):
            continue
        key = canonical_url(href)
        if key == listing or key in found:
            continue
        found[key] = href.split("#")[0]
    return list(found.values())


def _by_structure(root: HtmlElement, url: str) -> list[str]:
    candidates: list[tuple[HtmlElement, str, str]] = []  # anchor, link, canonical key
    listing = canonical_url(url)
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or not same_site(href, url):
            continue
        key = canonical_url(href)
        path = urlsplit(key).path
        if key == listing or path == "/" or NON_ARTICLE_PATH.search(path) or _in_navigation(a):
            continue
        candidates.append((a, href.split("#")[0], key))
    blocks = Counter(_block_of(a) for a, _, _ in candidates)
    shapes = Counter(_shape_of(key) for _, _, key in candidates)
    found: dict[str, str] = {}
    for a, link, key in candidates:
        if key in found:
            continue
        score = 2 if blocks[_block_of(a)] >= REPEATED else 0
        score += 1 if shapes[_shape_of(key)] >= REPEATED else 0
        score += 2 if _article_like(urlsplit(key).path) else 0
        score += _text_score(_anchor_text(a))
        if score >= ACCEPT_SCORE:
            found[key] = link
    return list(found.values())


def _block_of(a: HtmlElement) -> tuple[str, ...]:
    """The markup around a link: its own and its three nearest ancestors' tag and first
    class. Links of one list or one card grid share it."""
    chain: list[str] = []
    el: HtmlElement | None = a
    for _ in range(4):
        if el is None:
            break
        cls = (el.get("class") or "").split()
        chain.append(f"{el.tag}.{cls[0]}" if cls else str(el.tag))
        el = el.getparent()
    return tuple(chain)


def _shape_of(key: str) -> tuple[str, int]:
    segments = [s for s in urlsplit(key).path.split("/") if s]
    return (segments[0] if segments else "", len(segments))


def _anchor_text(a: HtmlElement) -> str:
    text = " ".join(a.text_content().split())
    if not text:
        text = a.get("title") or next((img.get("alt") or "" for img in a.iter("img")), "")
    return text


def _text_score(text: str) -> int:
    words = len(text.split())
    if words >= 4 or len(text) >= 25:
        return 1
    if words <= 2 and len(text) < 10:
        return -2
    return 0


def _article_like(path: str) -> bool:
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
