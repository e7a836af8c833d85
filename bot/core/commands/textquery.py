"""A parsed topic query → a text-index query (`bot.models.TextQuery`) that finds a superset
of its articles.

The result holds only normalised tokens joined by AND/OR nodes: the store writes them in its
own dialect (FTS5 MATCH on SQLite), so nothing the user typed reaches index syntax. The
matcher then confirms each candidate, so the query only has to be a superset: NOT is dropped
(treated as true), NEAR becomes AND, a phrase becomes the AND of its words. Arabic words also
match their proclitic forms (و، ف، ب، ك، ل، ال، لل), as the matcher strips them from article
tokens. An @entity becomes its aliases as spelled in the rules; spellings the matcher finds
through letter variants (گ/ق/غ/ج) are covered by the caller, which adds the articles stored
with that match. `None` means "no filter".
"""

from __future__ import annotations

from bot.core.query import And, Near, Node, Not, Or, Ref, Term, Word
from bot.core.rules import RuleSet
from bot.models import TextAll, TextAny, TextQuery, TextTerm

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


def _word(word: Word) -> TextQuery:
    if not _arabic(word.key) or len(word.key) < 3:
        return TextTerm(word.key, word.prefix)
    return TextAny(tuple(TextTerm(p + word.key, word.prefix) for p in _PROCLITICS))


def _all(parts: list[TextQuery]) -> TextQuery:
    return parts[0] if len(parts) == 1 else TextAll(tuple(parts))


def _any(parts: list[TextQuery]) -> TextQuery:
    return parts[0] if len(parts) == 1 else TextAny(tuple(parts))


def _term(term: Term) -> TextQuery:
    return _all([_word(w) for w in term.words])


def text_query(node: Node, rules: RuleSet, depth: int = 0) -> TextQuery | None:
    """The text-index query for `node`; None when any article could match."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Near):
        return TextAll((_term(node.left), _term(node.right)))
    if isinstance(node, Not):
        return None
    if isinstance(node, Ref):
        if node.kind == "topic":
            query = rules.queries.get(node.id)
            return None if query is None else text_query(query, rules, depth + 1)
        aliases = rules.aliases.get(node.id, ())
        return _any([_term(t) for t in aliases]) if aliases else None
    if isinstance(node, And):
        known = [e for c in node.children if (e := text_query(c, rules, depth)) is not None]
        return _all(known) if known else None
    if isinstance(node, Or):
        parts: list[TextQuery] = []
        for child in node.children:
            expr = text_query(child, rules, depth)
            if expr is None:
                return None
            parts.append(expr)
        return _any(parts)
    raise TypeError(node)
