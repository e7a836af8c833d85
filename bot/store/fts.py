"""The SQLite dialect of a text query: `bot.models.TextQuery` → an FTS5 MATCH expression.

Every token is double-quoted (quotes inside doubled) and the operators are written here, so
`NEAR(`, `*`, `"`, `:` or `-` in a token is a literal character, never FTS5 syntax; the
expression is still bound as a parameter, never formatted into SQL.
"""

from __future__ import annotations

from bot.models import TextAll, TextQuery, TextTerm


def quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def match_expression(query: TextQuery) -> str:
    """The FTS5 expression for `query` (a prefix term gets FTS5's trailing `*`)."""
    if isinstance(query, TextTerm):
        if not query.token:
            raise ValueError("empty token in a text query")
        return quote(query.token) + ("*" if query.prefix else "")
    if not query.parts:
        raise ValueError(f"{type(query).__name__} without parts in a text query")
    parts = [match_expression(p) for p in query.parts]
    if len(parts) == 1:
        return parts[0]
    op = " AND " if isinstance(query, TextAll) else " OR "
    return "(" + op.join(parts) + ")"
