"""A parsed topic query → an FTS5 MATCH expression that finds a superset of its articles.

The expression is built only from normalised tokens, each one double-quoted (quotes inside
doubled), joined by operators this module writes itself: nothing the user typed reaches
FTS5 syntax, so `NEAR(`, `*`, `"`, `:` or `-` in a query can never raise an SQL error or
widen the search. The matcher then confirms each candidate, so the expression only has to
be a superset: NOT is dropped (treated as true), NEAR becomes AND, a phrase becomes the
AND of its words. Arabic words also match their proclitic forms (و، ف، ب، ك، ل، ال، لل),
as the matcher strips them from article tokens. An @entity becomes its aliases as spelled in
the rules; spellings the matcher finds through letter variants (گ/ق/غ/ج) are covered by the
caller, which adds the articles stored with that match. `None` means "no filter".
"""

from __future__ import annotations

from bot.core.query import And, Near, Node, Not, Or, Ref, Term, Word
from bot.core.rules import RuleSet

MAX_DEPTH = 6  # #topic references followed this deep; rule sets are acyclic anyway

_CONJ = ["", "و", "ف"]
_PREP = ["", "ب", "ك", "ل"]
_PROCLITICS = sorted(
    {c + p for c in _CONJ for p in _PREP}
    | {c + p + "ال" for c in _CONJ for p in _PREP}
    | {c + "لل" for c in _CONJ}
)


def _arabic(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u08ff" for c in word)


def quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _word(word: Word) -> str:
    star = "*" if word.prefix else ""
    if not _arabic(word.key) or len(word.key) < 3:
        return quote(word.key) + star
    forms = [quote(p + word.key) + star for p in _PROCLITICS]
    return "(" + " OR ".join(forms) + ")"


def _term(term: Term) -> str:
    parts = [_word(w) for w in term.words]
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def _join(op: str, parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + f" {op} ".join(parts) + ")"


def fts_expression(node: Node, rules: RuleSet, depth: int = 0) -> str | None:
    """The FTS5 expression for `node`; None when any article could match."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Near):
        return "(" + _term(node.left) + " AND " + _term(node.right) + ")"
    if isinstance(node, Not):
        return None
    if isinstance(node, Ref):
        if node.kind == "topic":
            query = rules.queries.get(node.id)
            return None if query is None else fts_expression(query, rules, depth + 1)
        aliases = rules.aliases.get(node.id, ())
        return _join("OR", [_term(t) for t in aliases]) if aliases else None
    if isinstance(node, And):
        known = [e for c in node.children if (e := fts_expression(c, rules, depth)) is not None]
        return _join("AND", known) if known else None
    if isinstance(node, Or):
        parts: list[str] = []
        for child in node.children:
            expr = fts_expression(child, rules, depth)
            if expr is None:
                return None
            parts.append(expr)
        return _join("OR", parts)
    raise TypeError(node)
