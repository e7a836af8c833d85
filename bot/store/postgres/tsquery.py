"""The PostgreSQL dialect of a text query: `bot.models.TextQuery` → tsquery text.

Every token becomes a single-quoted lexeme with quotes and backslashes escaped, so nothing
a user typed can act as tsquery syntax; the result is bound as one parameter of
to_tsquery('simple', ...).
"""

from __future__ import annotations

from bot.models import TextAll, TextQuery, TextTerm


def lexeme(token: str, prefix: bool = False) -> str:
    escaped = token.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'" + (":*" if prefix else "")


def tsquery_text(query: TextQuery) -> str:
    """The tsquery for `query` (a prefix term gets tsquery's `:*`)."""
    if isinstance(query, TextTerm):
        if not query.token:
            raise ValueError("empty token in a text query")
        return lexeme(query.token, query.prefix)
    if not query.parts:
        raise ValueError(f"{type(query).__name__} without parts in a text query")
    parts = [tsquery_text(p) for p in query.parts]
    if len(parts) == 1:
        return parts[0]
    op = " & " if isinstance(query, TextAll) else " | "
    return "(" + op.join(parts) + ")"
