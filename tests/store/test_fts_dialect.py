"""The SQLite dialect of a text query: tokens always quoted, operators written by the store."""

from __future__ import annotations

import pytest

from bot.models import TextAll, TextAny, TextQuery, TextTerm
from bot.store.fts import match_expression

CASES: list[tuple[TextQuery, str]] = [
    (TextTerm("drill"), '"drill"'),
    (TextTerm("dri", prefix=True), '"dri"*'),
    (TextTerm('a"b'), '"a""b"'),
    (TextTerm("NEAR("), '"NEAR("'),
    (TextTerm("norm_title:x"), '"norm_title:x"'),
    (TextAll((TextTerm("a"),)), '"a"'),
    (TextAll((TextTerm("a"), TextTerm("b"))), '("a" AND "b")'),
    (
        TextAny((TextTerm("a"), TextAll((TextTerm("b"), TextTerm("c", True))))),
        '("a" OR ("b" AND "c"*))',
    ),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_match_expression(query: TextQuery, expected: str) -> None:
    assert match_expression(query) == expected


@pytest.mark.parametrize(
    "query", [TextTerm(""), TextAll(()), TextAny((TextTerm("a"), TextAny(())))]
)
def test_empty_parts_are_refused_not_widened(query: TextQuery) -> None:
    with pytest.raises(ValueError, match="text query"):
        match_expression(query)
