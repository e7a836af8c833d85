"""Main text of pages laid out in tables, where trafilatura finds none.

Older CMSs put the whole page in a layout table: menu in one cell, article in another.
trafilatura skips tables (`include_tables=False`, the better choice everywhere else: a table
beside an article is more often figures or links), and with tables on it keeps the menu
cells too. So for a page that came back thin, the text is taken from the table that holds
the cell with the most text outside links: that table's text-bearing cells, in order.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from bot.sources.decode import html_to_text

MAX_LINK_SHARE = 0.5  # a cell whose text is mostly links is a menu, not the article


def _lengths(cell: HtmlElement) -> tuple[int, int]:
    text = len(" ".join(cell.text_content().split()))
    linked = sum(len(" ".join(a.text_content().split())) for a in cell.iter("a"))
    return text, linked


def _is_leaf(cell: HtmlElement) -> bool:
    return next(cell.iter("table"), None) is None


def table_text(root: HtmlElement) -> str:
    """The article text of a table-laid page, or "" when no table cell holds text."""
    best: HtmlElement | None = None
    best_len = 0
    for cell in root.iter("td", "th"):
        if not _is_leaf(cell):
            continue
        text, linked = _lengths(cell)
        if text - linked > best_len:
            best, best_len = cell, text - linked
    if best is None:
        return ""
    table = next(best.iterancestors("table"), None)
    cells = [best] if table is None else [c for c in table.iter("td", "th") if _is_leaf(c)]
    parts: list[str] = []
    for cell in cells:
        text, linked = _lengths(cell)
        if text and linked <= MAX_LINK_SHARE * text:
            parts.append(html_to_text(etree.tostring(cell, encoding="unicode", method="html")))
    return "\n".join(p for p in parts if p)
