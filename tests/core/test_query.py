"""Query parser: the AST for each operator, positioned errors with a caret, and robustness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.query import (
    And,
    Near,
    Not,
    Or,
    QuerySyntaxError,
    Ref,
    Term,
    Word,
    make_term,
    parse_query,
)


def t(text: str) -> Term:
    return make_term(text)


PARSES = [
    ("drone", t("drone")),
    ("drone*", Term("drone*", (Word("drone", True),))),
    ('"طائرات مسيرة"', t("طائرات مسيرة")),
    ("a b", And((t("a"), t("b")))),
    ("a AND b", And((t("a"), t("b")))),
    ("a OR b c", Or((t("a"), And((t("b"), t("c")))))),
    ("NOT a b", And((Not(t("a")), t("b")))),
    ("a OR NOT b", Or((t("a"), Not(t("b"))))),
    ("(a OR b) c", And((Or((t("a"), t("b"))), t("c")))),
    ("@iran #drones", And((Ref("entity", "iran", 0), Ref("topic", "drones", 6)))),
    ('missile NEAR/3 "launch pad"', Near(t("missile"), t("launch pad"), 3)),
    ("a and b", And((t("a"), t("and"), t("b")))),
    ("سو-35", Term("سو-35", (Word("سو"), Word("35")))),
    ("الدفاع*", Term("الدفاع*", (Word("دفاع", True),))),
    ("الله", Term("الله", (Word("الله"),))),
]


@pytest.mark.parametrize(("query", "expected"), PARSES)
def test_parse(query: str, expected: object) -> None:
    assert parse_query(query) == expected


ERRORS = [
    ("", 0, "empty query"),
    ("a AND", 5, "ends where a term was expected"),
    ("a OR OR b", 5, "'OR' where a term was expected"),
    ("(a OR b", 0, "unclosed parenthesis"),
    ("a)", 1, "unexpected ')'"),
    ('"open phrase', 0, "unclosed quote"),
    ("ab*", 0, "at least 3 letters"),
    ("a*b*", 0, "`*` may only end a word"),
    ("@", 0, "@ must be followed by an id"),
    ("#Bad", 0, "# must be followed by an id"),
    ("a NEAR b", 2, "NEAR needs a distance"),
    ("(a OR b) NEAR/2 c", 9, "NEAR joins two words or phrases"),
    ("a NEAR/2 b NEAR/2 c", 11, "cannot be chained"),
    ("a ،،", 2, "needs letters or digits"),
]


@pytest.mark.parametrize(("query", "position", "message"), ERRORS)
def test_syntax_errors_point_at_the_problem(query: str, position: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query)
    assert info.value.position == position
    assert message in info.value.message
    line, caret = info.value.caret().split("\n")
    assert line == query and caret == " " * position + "^"


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_parser_raises_only_syntax_errors(query: str) -> None:
    try:
        parse_query(query)
    except QuerySyntaxError as exc:
        assert 0 <= exc.position <= len(query)


_PIECES = st.sampled_from(
    ["a", "bb*", '"c d"', "AND", "OR", "NOT", "(", ")", "NEAR/2", "@x", "#y", "e"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=12).map(" ".join))
def test_parser_on_operator_soup(query: str) -> None:
    try:
        parse_query(query)
    except QuerySyntaxError as exc:
        assert 0 <= exc.position <= len(query)
