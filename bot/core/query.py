"""The topic query language: text → AST, with syntax errors that point at a column.

    query   := or
    or      := and ("OR" and)*
    and     := not ("AND"? not)*          juxtaposition is AND
    not     := "NOT" not | near
    near    := primary ("NEAR/n" primary)?  both sides a term or a phrase
    primary := WORD | WORD* | "a phrase" | @entity | #topic | "(" or ")"

Operators are upper case (lower-case `and`, `near` are ordinary words); precedence is
NOT > AND > OR. A word or phrase becomes a `Term`: a run of normalised tokens that must stand
consecutively in the text; a trailing `*` on a word makes that token a prefix (at least
`MIN_PREFIX` letters before it). Normalisation here is the same as for article text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.normalize import normalize

MIN_PREFIX = 3
_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_NEAR_RE = re.compile(r"NEAR/(\d+)$")
_LEXEME_RE = re.compile(r'\s+|[()]|"[^"]*"?|[^\s()"]+')
_ARTICLE = "ال"


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; `position` is a 0-based index into `query`."""

    def __init__(self, message: str, query: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.query = query
        self.position = max(0, min(position, len(query)))

    def caret(self) -> str:
        """The query on one line and a caret under the offending character."""
        line = self.query.replace("\n", " ").replace("\t", " ")
        return f"{line}\n{' ' * self.position}^"

    def __str__(self) -> str:
        return f"{self.message} at column {self.position + 1}\n{self.caret()}"


@dataclass(frozen=True)
class Word:
    """One normalised rule token; `prefix` when it ended in `*`."""

    key: str
    prefix: bool = False


@dataclass(frozen=True)
class Term:
    """Consecutive tokens, as written in the rule (`text`) and normalised (`words`)."""

    text: str
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Ref:
    kind: str  # "entity" (@id) or "topic" (#id)
    id: str
    position: int


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Near:
    left: Term
    right: Term
    distance: int


Node = Term | Ref | Not | And | Or | Near


def rule_key(token: str) -> str:
    """A rule token's dictionary key: a leading ال is the only thing ever stripped from it."""
    if token.startswith(_ARTICLE) and len(token) - len(_ARTICLE) >= MIN_PREFIX:
        return token[len(_ARTICLE) :]
    return token


def make_term(text: str, query: str = "", position: int = 0) -> Term:
    """A word or phrase as written → a Term; raise QuerySyntaxError if it has no tokens."""
    words: list[Word] = []
    for raw in text.split():
        prefix = raw.endswith("*")
        tokens = normalize(raw.rstrip("*")).split()
        if prefix and "*" in raw.rstrip("*"):
            raise QuerySyntaxError("`*` may only end a word", query or text, position)
        if prefix and (not tokens or len(rule_key(tokens[-1])) < MIN_PREFIX):
            raise QuerySyntaxError(
                f"a prefix needs at least {MIN_PREFIX} letters before `*`", query or text, position
            )
        for i, token in enumerate(tokens):
            words.append(Word(rule_key(token), prefix and i == len(tokens) - 1))
    if not words:
        raise QuerySyntaxError("a term needs letters or digits", query or text, position)
    return Term(text, tuple(words))


@dataclass(frozen=True)
class _Lexeme:
    text: str
    position: int


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.lexemes = [
            _Lexeme(m.group(), m.start())
            for m in _LEXEME_RE.finditer(query)
            if not m.group().isspace()
        ]
        self.i = 0

    def peek(self) -> _Lexeme | None:
        return self.lexemes[self.i] if self.i < len(self.lexemes) else None

    def error(self, message: str, lexeme: _Lexeme | None = None) -> QuerySyntaxError:
        position = lexeme.position if lexeme else len(self.query)
        return QuerySyntaxError(message, self.query, position)

    def parse(self) -> Node:
        if not self.lexemes:
            raise self.error("empty query")
        node = self.parse_or()
        extra = self.peek()
        if extra is not None:
            raise self.error(f"unexpected {extra.text!r}", extra)
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while (lx := self.peek()) is not None and lx.text == "OR":
            self.i += 1
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_not()]
        while (lx := self.peek()) is not None and lx.text not in ("OR", ")"):
            if lx.text == "AND":
                self.i += 1
            children.append(self.parse_not())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_not(self) -> Node:
        lx = self.peek()
        if lx is not None and lx.text == "NOT":
            self.i += 1
            return Not(self.parse_not())
        return self.parse_near()

    def parse_near(self) -> Node:
        left = self.parse_primary()
        lx = self.peek()
        if lx is None or not lx.text.startswith("NEAR"):
            return left
        m = _NEAR_RE.match(lx.text)
        if m is None:
            raise self.error("NEAR needs a distance, as in NEAR/5", lx)
        self.i += 1
        right = self.parse_primary()
        if not isinstance(left, Term) or not isinstance(right, Term):
            raise self.error("NEAR joins two words or phrases", lx)
        nxt = self.peek()
        if nxt is not None and nxt.text.startswith("NEAR"):
            raise self.error("NEAR cannot be chained; join with AND", nxt)
        return Near(left, right, int(m.group(1)))

    def parse_primary(self) -> Node:
        lx = self.peek()
        if lx is None:
            raise self.error("the query ends where a term was expected")
        text = lx.text
        if text in ("AND", "OR", ")") or text.startswith("NEAR/") or text == "NEAR":
            raise self.error(f"{text!r} where a term was expected", lx)
        self.i += 1
        if text == "(":
            node = self.parse_or()
            close = self.peek()
            if close is None or close.text != ")":
                raise self.error("unclosed parenthesis", lx)
            self.i += 1
            return node
        if text.startswith('"'):
            if len(text) < 2 or not text.endswith('"'):
                raise self.error("unclosed quote", lx)
            return make_term(text[1:-1], self.query, lx.position)
        if text[0] in "@#":
            ident = text[1:]
            if not _ID_RE.fullmatch(ident):
                raise self.error(f"{text[0]} must be followed by an id", lx)
            return Ref("entity" if text[0] == "@" else "topic", ident, lx.position)
        return make_term(text, self.query, lx.position)


def parse_query(query: str) -> Node:
    """Parse a topic query; raise QuerySyntaxError pointing at the first problem."""
    return _Parser(query).parse()


def refs(node: Node) -> list[Ref]:
    """Every @entity and #topic reference in the query, in order."""
    if isinstance(node, Ref):
        return [node]
    if isinstance(node, Not):
        return refs(node.child)
    if isinstance(node, And | Or):
        return [r for child in node.children for r in refs(child)]
    return []


def terms(node: Node) -> list[Term]:
    """Every word or phrase in the query, in order (NEAR operands included)."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Near):
        return [node.left, node.right]
    if isinstance(node, Not):
        return terms(node.child)
    if isinstance(node, And | Or):
        return [t for child in node.children for t in terms(child)]
    return []
