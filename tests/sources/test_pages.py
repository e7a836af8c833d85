"""Extraction on fixture pages: every body sentence kept, no boilerplate sentence let in.

Cases live in tests/data/sources/pages.json with their own expectations.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import pytest

from bot.sources.listing import Listing, find_article_links, read_listing
from bot.sources.pages import extract_article
from tests.servers.misbehaving import DATA, to_cp1256

BASE = "http://127.0.0.1:8000"
CASES: list[dict[str, Any]] = json.loads((DATA / "pages.json").read_text(encoding="utf-8"))


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!؟?])\s+", paragraph) if s.strip()]


def _check(case: dict[str, Any], body: bytes, headers: dict[str, str]) -> None:
    page = extract_article(body, BASE + case["path"], headers)
    assert page.title == case["title"]
    assert page.published == datetime.fromisoformat(case["published"])
    assert page.published_from == case["published_from"]
    assert page.lang == case["lang"]
    assert page.canonical_url == BASE + case["canonical_path"]
    for paragraph in case["body"]:
        for sentence in _sentences(paragraph):
            assert sentence in page.text, f"lost: {sentence}"
    for phrase in case["boilerplate"]:
        assert phrase not in page.text, f"boilerplate kept: {phrase}"
    assert not page.text.startswith(case["title"]), "headline repeated as first line"


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_extraction(case: dict[str, Any]) -> None:
    _check(case, (DATA / case["file"]).read_bytes(), {"content-type": "text/html; charset=utf-8"})


@pytest.mark.parametrize("header", ["text/html; charset=utf-8", "text/html; charset=iso-8859-1"])
def test_windows_1256_page_with_a_lying_header(header: str) -> None:
    case = CASES[0]
    body = to_cp1256((DATA / case["file"]).read_text(encoding="utf-8"))
    _check(case, body, {"content-type": header})


def test_persian_zero_width_non_joiner_survives() -> None:
    page = extract_article((DATA / "page_fa.html").read_bytes(), BASE + "/news/8850/x")
    assert "رئیس\u200cجمهور" in page.text and "رئیسجمهور" not in page.text


def test_thin_page_and_copyright_date_are_suspect() -> None:
    page = extract_article((DATA / "page_thin.html").read_bytes(), BASE + "/museum")
    assert page.is_thin
    # its only date is the footer's copyright year (1 January): undated, the fetch time stands in
    assert page.published is None and page.published_from == ""


def test_listing_links_automatic_and_by_selector() -> None:
    html = (DATA / "listing.html").read_text(encoding="utf-8")
    items = "".join(f'<li><a href="/article/{n}">Article {n}</a></li>' for n in (3, 2, 1))
    items += '<li><a href="/news/2024/09/port-visit-8812#comments">Port visit</a></li>'
    body = html.replace("{{items}}", items).encode()
    auto = find_article_links(body, BASE + "/listing")
    assert auto == [BASE + "/news/2024/09/port-visit-8812"]  # /article/3 is not article-like
    chosen = find_article_links(body, BASE + "/listing", "div.latest a")
    assert chosen[:3] == [BASE + f"/article/{n}" for n in (3, 2, 1)]
    assert all("section" not in u and "privacy" not in u for u in chosen)


def test_listing_links_found_by_structure_not_url_shape() -> None:
    body = (DATA / "listing_structured.html").read_bytes()
    links = find_article_links(body, BASE + "/world")
    assert links == [
        BASE + "/articles/12.html",
        BASE + "/articles/11.html",
        BASE + "/articles/9.html",
        BASE + "/articles/7.html?ref=river",
        BASE + "/world/story-abc",
        BASE + "/world/story-def",
        BASE + "/world/story-ghi",
    ]  # not the menu, the one-word tag cloud, the pager, the footer nor the partner site


def test_a_listing_that_yields_nothing_says_why() -> None:
    empty = (DATA / "listing_empty.html").read_bytes()
    assert read_listing(empty, BASE + "/latest") == Listing(
        (), "no article links found on the listing"
    )
    body = (DATA / "listing_structured.html").read_bytes()
    assert read_listing(body, BASE + "/world", "div.nothing-here a").warning == (
        "selector 'div.nothing-here a' matched nothing"
    )
    assert read_listing(body, BASE + "/world", "h1").warning == (
        "selector 'h1' matched 1 elements, no links"
    )
    assert read_listing(body, BASE + "/world", "section.river a").links[0].endswith("/12.html")


def test_article_laid_out_in_tables_keeps_its_text() -> None:
    page = extract_article((DATA / "page_tables.html").read_bytes(), BASE + "/news/dredge-2291")
    assert page.text.count("\n") >= 3  # one line per paragraph
    for sentence in (
        "The port authority signed a contract on Wednesday to dredge the inner basin",
        "Grain merchants welcomed the news",
    ):
        assert sentence in page.text
    assert "Weather" not in page.text and "Copyright" not in page.text and "Sport" not in page.text
