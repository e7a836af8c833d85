"""Search words written with their proclitics: `والعقوبات` also finds `عقوبات`.

A rule word keeps everything but a leading ال (`rule_key`), because the matcher strips
proclitics from the article's tokens, not from the rule's. A chat or web search is typed as
the user reads it, often with the conjunction or preposition attached, so each search term
also gets the form without its proclitics, ORed with the form as written (which still finds
exactly what it found before). The stripping is the matcher's own (و ف, then ب ك ل, then ال
or لل, never leaving fewer than 3 letters); a bare و ف ب ك ل without an article must leave 4
letters, so short words that merely begin with those letters (وزير) are not cut.
"""

from __future__ import annotations

import re

from bot.core.query import And, Near, Node, Not, Or, Term, Word

_WITH_ARTICLE = re.compile(r"^[وف]?(?:[بكل]?ال|لل)(.{3,})$")
_BARE = re.compile(r"^(?:[وف][بكل]?|[بكل])(.{4,})$")


def strip_proclitics(key: str) -> str:
    """`key` without its leading Arabic proclitics, or `key` when it has none to drop."""
    m = _WITH_ARTICLE.match(key) or _BARE.match(key)
    return m.group(1) if m else key


def _stripped(term: Term) -> Term | None:
    words = tuple(Word(strip_proclitics(w.key), w.prefix) for w in term.words)
    return None if words == term.words else Term(term.text, words)


def search_node(node: Node) -> Node:
    """The query with every term that carries proclitics widened to `term OR bare term`."""
    if isinstance(node, Term):
        bare = _stripped(node)
        return node if bare is None else Or((node, bare))
    if isinstance(node, Near):
        left, right = _stripped(node.left), _stripped(node.right)
        if left is None and right is None:
            return node
        return Or((node, Near(left or node.left, right or node.right, node.distance)))
    if isinstance(node, Not):
        return Not(search_node(node.child))
    if isinstance(node, And):
        return And(tuple(search_node(c) for c in node.children))
    if isinstance(node, Or):
        return Or(tuple(search_node(c) for c in node.children))
    return node
