"""The search expression (double-quoted normalised tokens, `*` prefixes, AND/OR, brackets,
as bot.core.commands.fts writes it) in PostgreSQL's tsquery syntax.

Every token becomes a single-quoted lexeme with quotes and backslashes escaped, so nothing
a user typed can act as tsquery syntax; the result is bound as one parameter of
to_tsquery('simple', ...).
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r'\s*(?:"((?:[^"]|"")*)"(\*)?|(AND|OR)\b|(\()|(\)))')


def lexeme(token: str, prefix: bool = False) -> str:
    escaped = token.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'" + (":*" if prefix else "")


def tsquery_text(expression: str) -> str:
    """Translate; ValueError names the position of anything the writer never produces."""
    out: list[str] = []
    pos = 0
    text = expression.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"search expression: unexpected {text[pos : pos + 20]!r} at {pos}")
        word, star, op, left, right = m.groups()
        if word is not None:
            out.append(lexeme(word.replace('""', '"'), bool(star)))
        elif op is not None:
            out.append("&" if op == "AND" else "|")
        else:
            out.append(left or right)
        pos = m.end()
    return " ".join(out)
