"""Article × RuleSet → MatchResult, with evidence spans in the original title and text.

Cost per article does not grow with the number of rules: every alias, exclude and query word
sits in one dictionary (exact keys, g-letter variant keys, prefixes by length), and the
article's distinct tokens, plus their proclitic-stripped forms, meet it through set
intersections that run in C. Only the words that occurred are turned into positions, only
the phrases made of them are checked, and only the topics that use them are evaluated.

An article is first cut at common separators into chunks (bot.core.normalize.chunks) without
folding it: a chunk seen before costs one set probe, and only the chunks that matched get a
token index and an offset. When a chunk is not exactly one token (an emoji, a ligature, an
unusual separator) the article takes the token path (`_Article`, `Lexicon.scan`) instead,
which gives the same answers.
See bot.core.rules for the evaluation order.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from typing import Any, TypeVar

from bot.core.lexicon import COMPILED, Lexicon, Occurrence, joined_alias
from bot.core.normalize import SEPARATOR_CHARS, Tokens, chunk_pair
from bot.core.query import (
    And,
    Near,
    Node,
    Not,
    Or,
    QuerySyntaxError,
    Ref,
    Term,
    parse_query,
    refs,
)
from bot.core.query import terms as _query_terms
from bot.core.rules import RuleSet, evaluate_empty
from bot.models import Evidence, Match, MatchResult

_T = TypeVar("_T")

MAX_EVIDENCE = 5  # spans kept per match: enough to explain it, cheap to build and store


@dataclass
class _Article:
    title: str
    text: str
    layout: Tokens  # title and text, one newline between them
    title_tokens: int

    @property
    def tokens(self) -> list[str]:
        return self.layout.words

    @classmethod
    def of(cls, title: str, text: str) -> _Article:
        layout = Tokens(f"{title}\n{text}")
        return cls(title, text, layout, layout.count_before(len(title)))

    def evidence(self, occ: Occurrence, term: str) -> Evidence:
        start, end = self.layout.span(occ[0])[0], self.layout.span(occ[1] - 1)[1]
        if occ[0] < self.title_tokens:
            return _evidence("title", start, end, self.title[start:end], term)
        shift = len(self.title) + 1
        start, end = start - shift, end - shift
        return _evidence("text", start, end, self.text[start:end], term)


class _Chunked:
    """An article cut into chunks (bot.core.normalize.chunks) each of which is one token, so
    that chunk i is token i: the fast path (`_Article` is the general one). Only the chunks
    that matched are located in the original text."""

    __slots__ = ("text", "title", "title_tokens", "trim", "where")

    def __init__(
        self,
        title: str,
        text: str,
        title_tokens: int,
        trim: dict[str, Trim],
        where: dict[int, tuple[int, str]] | None = None,
    ) -> None:
        self.title, self.text = title, text
        self.title_tokens = title_tokens
        self.trim = trim
        # token index → (offset in its field, chunk): given by the compiled scan, else `hits`
        self.where: dict[int, tuple[int, str]] = {} if where is None else where

    def hits(
        self, parts: list[str], got: list[tuple[int, ...] | None]
    ) -> list[tuple[int, tuple[int, ...]]]:
        """(token index, word ids) of the chunks that matched; remembers where they stand.
        A chunk that matched is the first whole chunk equal to it after the previous match:
        an equal chunk between them would have matched too."""
        out: list[tuple[int, tuple[int, ...]]] = []
        where = self.where
        field, start, split = self.title, 0, self.title_tokens
        for k in compress(range(len(got)), got):
            if k >= split:
                field, start, split = self.text, 0, len(got)
            chunk = parts[k]
            pos = _whole(field, chunk, start)
            start = pos + len(chunk)
            where[k] = (pos, chunk)
            out.append((k, got[k]))  # type: ignore[arg-type]
        return out

    def evidence(self, occ: Occurrence, term: str) -> Evidence:
        start, first = self.where[occ[0]]
        end, last = self.where[occ[1] - 1]
        start += self.trim.get(first, _NO_TRIM)[0]
        end += len(last) - self.trim.get(last, _NO_TRIM)[1]
        if occ[0] < self.title_tokens:
            return _evidence("title", start, end, self.title[start:end], term)
        return _evidence("text", start, end, self.text[start:end], term)


_new = object.__new__
_set = object.__setattr__


def _built(cls: type[_T], fields: dict[str, object]) -> _T:
    """A frozen dataclass instance with its fields set in one write instead of one guarded
    write each (Evidence: 0.5 µs instead of 0.9); an article makes ten or so. The test
    holds the result to the dataclass's equality, hash, repr and frozenness."""
    made: _T = _new(cls)
    _set(made, "__dict__", fields)
    return made


def _evidence(field: str, start: int, end: int, surface: str, term: str) -> Evidence:
    return _built(
        Evidence, {"field": field, "start": start, "end": end, "surface": surface, "term": term}
    )


def _match_of(kind: str, id_: str, evidence: tuple[Evidence, ...]) -> Match:
    return _built(Match, {"kind": kind, "id": id_, "evidence": evidence})


# The characters a chunk ends at: separators and white space (what `str.split` cuts at;
# U+3000 is the last white space character in Unicode).
_ENDS = SEPARATOR_CHARS | {c for c in map(chr, range(0x3001)) if c.isspace()}


def _whole(field: str, chunk: str, start: int) -> int:
    """The offset of the first occurrence of `chunk` at or after `start` that is a whole
    chunk of `field` (a separator or an end on either side)."""
    pos = field.find(chunk, start)
    while pos >= 0:
        end = pos + len(chunk)
        if (not pos or field[pos - 1] in _ENDS) and (end == len(field) or field[end] in _ENDS):
            return pos
        pos = field.find(chunk, pos + 1)
    raise ValueError(f"no chunk {chunk!r} after offset {start}")  # cannot happen: a bug


Trim = tuple[int, int]
_NO_TRIM = (0, 0)


class Matcher:
    """Rules compiled once; `match` is then called for every article."""

    def __init__(self, rules: RuleSet, compiled: bool = COMPILED) -> None:
        """`compiled`: the chunk memo in C (bot.core._chunkscan) when it is built."""
        self.rules = rules
        terms: list[tuple[Term, bool]] = []
        aliases_of = self._aliases_with_joined(rules)
        for eid, aliases in aliases_of.items():
            terms.extend((t, True) for t in aliases)
            terms.extend((t, False) for t in rules.excludes.get(eid, ()))
        for node in rules.queries.values():
            terms.extend((t, False) for t in _query_terms(node))
        self.lexicon = Lexicon(terms, compiled)
        self._alias_of: dict[int, list[tuple[str, str]]] = {}  # term id → (entity, alias)
        for eid, aliases in aliases_of.items():
            for t in aliases:
                self._alias_of.setdefault(self.lexicon.term_id(t, True), []).append((eid, t.text))
        # Which topics to look at when a term, entity or topic occurred.
        self._topics_of: dict[object, list[str]] = {}
        for tid in rules.order:
            node = rules.queries[tid]
            keys: set[object] = {self.lexicon.term_id(t, False) for t in _query_terms(node)}
            keys |= {(r.kind, r.id) for r in refs(node)}
            for key in keys:
                self._topics_of.setdefault(key, []).append(tid)
        self._rank = {tid: i for i, tid in enumerate(rules.order)}
        # Term ids resolved once: hashing a Term (a dataclass of dataclasses) runs Python code
        self._vetoes = {
            eid: tuple(self.lexicon.term_id(t, False) for t in terms)
            for eid, terms in rules.excludes.items()
        }
        self._compiled = {tid: _compile(node, self.lexicon) for tid, node in rules.queries.items()}

    @staticmethod
    def _aliases_with_joined(rules: RuleSet) -> dict[str, list[Term]]:
        """Each entity's aliases, then its Arabic-script names of several words written as one
        (lexicon.joined_alias), unless one of its aliases already is that word."""
        out: dict[str, list[Term]] = {}
        for eid, aliases in rules.aliases.items():
            have = {t.words for t in aliases}
            out[eid] = listed = list(aliases)
            for t in aliases:
                j = joined_alias(t)
                if j is not None and j.words not in have:
                    have.add(j.words)
                    listed.append(j)
        return out

    def match(self, title: str, text: str) -> MatchResult:
        """Entities and topics the article's title and text satisfy, with evidence."""
        entities, topics, _ = self._match(*self._scan(title, text))
        return MatchResult(tuple(entities), tuple(topics))

    def _scan(
        self, title: str, text: str
    ) -> tuple[_Chunked | _Article, dict[int, list[Occurrence]]]:
        """The article's layout and its term occurrences: by chunks when each is one token,
        else by `Tokens` (the reference path, which gives the same answers more slowly)."""
        lex = self.lexicon
        if lex.compiled:
            located = lex.scan_chunks(title, text)
            if located is None:
                return self._scan_tokens(title, text)
            head, where, pairs = located
            return _Chunked(title, text, head, lex.trim, where), lex.occurrences(pairs, head)
        parts, head = chunk_pair(title, text)
        got = self.lexicon.chunk_hits(parts)
        if got is None:
            return self._scan_tokens(title, text)
        art = _Chunked(title, text, head, self.lexicon.trim)
        return art, self.lexicon.occurrences(art.hits(parts, got), head)

    def _scan_tokens(self, title: str, text: str) -> tuple[_Article, dict[int, list[Occurrence]]]:
        art = _Article.of(title, text)
        return art, self.lexicon.scan(art.tokens, art.title_tokens)

    def _match(
        self, art: _Chunked | _Article, found: dict[int, list[Occurrence]]
    ) -> tuple[list[Match], list[Match], _Context]:
        entities, entity_occ = self._entities(art, found)
        ctx = _Context(found, art, entity_occ)
        topics = self._topics(art, found, ctx) if found else []
        return entities, topics, ctx

    def match_query(
        self, query: str, title: str, text: str, node: Node | None = None
    ) -> Match | None:
        """Evaluate an ad-hoc query (chat `search`); raise QuerySyntaxError on a bad one.
        `node`, when given, is the query already parsed (and widened, bot.core.searchterms)."""
        node = parse_query(query) if node is None else node
        for ref in refs(node):
            known = self.rules.entities if ref.kind == "entity" else self.rules.topics
            if ref.id not in known:
                sign = "@" if ref.kind == "entity" else "#"
                raise QuerySyntaxError(f"unknown {ref.kind} {sign}{ref.id}", query, ref.position)
        if evaluate_empty(node):
            raise QuerySyntaxError("the query needs a term outside NOT", query, 0)
        art = _Article.of(title, text)
        local = Lexicon([(t, False) for t in _query_terms(node)], compiled=False)
        found = local.scan(art.tokens, art.title_tokens)
        ctx = _Context(found, art, {})
        if refs(node):
            _, _, full = self._match(art, self.lexicon.scan(art.tokens, art.title_tokens))
            ctx.entity_occ, ctx.topic_occ = full.entity_occ, full.topic_occ
        ok, occ = ctx.evaluate(_compile(node, local))
        if not ok:
            return None
        return Match("topic", "query", _evidence_of(art, occ))

    def _entities(
        self, art: _Chunked | _Article, found: dict[int, list[Occurrence]]
    ) -> tuple[list[Match], dict[str, list[tuple[Occurrence, str]]]]:
        by_entity: dict[str, list[tuple[Occurrence, str]]] = {}
        for tid, occs in found.items():
            for eid, alias in self._alias_of.get(tid, ()):
                by_entity.setdefault(eid, []).extend([(o, alias) for o in occs])
        for eid in self._vetoes.keys() & by_entity.keys():
            hits = by_entity[eid]
            vetoes = [o for t in self._vetoes[eid] for o in found.get(t, ())]
            if vetoes:
                hits = [
                    h for h in hits if not any(v[0] <= h[0][0] and h[0][1] <= v[1] for v in vetoes)
                ]
                if hits:
                    by_entity[eid] = hits
                else:
                    del by_entity[eid]
        matches = [
            _match_of("entity", eid, _evidence_of(art, hits))
            for eid, hits in sorted(by_entity.items())
        ]
        return matches, by_entity

    def _topics(
        self, art: _Chunked | _Article, found: dict[int, list[Occurrence]], ctx: _Context
    ) -> list[Match]:
        pending = {tid for tid_key in found for tid in self._topics_of.get(tid_key, ())}
        pending |= {
            tid for eid in ctx.entity_occ for tid in self._topics_of.get(("entity", eid), ())
        }
        done: list[Match] = []
        while pending:
            tid = min(pending, key=self._rank.__getitem__)
            pending.discard(tid)
            ok, occ = ctx.evaluate(self._compiled[tid])
            if ok:
                ctx.topic_occ[tid] = occ
                done.append(_match_of("topic", tid, _evidence_of(art, occ)))
                pending |= set(self._topics_of.get(("topic", tid), ()))
        return sorted(done, key=lambda m: m.id)


# A query with its terms resolved to lexicon ids, as nested tuples (evaluated per article):
# (TERM, id, text), (REF, kind, id), (NOT, child), (AND, children), (OR, children),
# (NEAR, left id, right id, left text, right text, distance).
TERM, REF, NOT, AND, OR, NEAR = range(6)
Compiled = tuple[Any, ...]


def _compile(node: Node, lex: Lexicon) -> Compiled:
    if isinstance(node, Term):
        return (TERM, lex.term_id(node, False), node.text)
    if isinstance(node, Ref):
        return (REF, node.kind, node.id)
    if isinstance(node, Not):
        return (NOT, _compile(node.child, lex))
    if isinstance(node, And | Or):
        children = tuple(_compile(c, lex) for c in node.children)
        return (AND if isinstance(node, And) else OR, children)
    if isinstance(node, Near):
        left, right = lex.term_id(node.left, False), lex.term_id(node.right, False)
        return (NEAR, left, right, node.left.text, node.right.text, node.distance)
    raise TypeError(node)


class _Context:
    """One article's evaluation state for queries."""

    def __init__(
        self,
        found: dict[int, list[Occurrence]],
        art: _Chunked | _Article,
        entity_occ: dict[str, list[tuple[Occurrence, str]]],
    ) -> None:
        self.found = found
        self.art = art
        self.entity_occ = entity_occ
        self.topic_occ: dict[str, list[tuple[Occurrence, str]]] = {}

    def evaluate(self, node: Compiled) -> tuple[bool, list[tuple[Occurrence, str]]]:
        op = node[0]
        if op == TERM:
            occs = self.found.get(node[1])
            if not occs:
                return False, []
            text = node[2]
            return True, [(o, text) for o in occs]
        if op == REF:
            table = self.entity_occ if node[1] == "entity" else self.topic_occ
            occ = table.get(node[2])
            return occ is not None, list(occ or [])
        if op == NOT:
            ok, _ = self.evaluate(node[1])
            return not ok, []
        if op == AND:
            out: list[tuple[Occurrence, str]] = []
            for child in node[1]:
                ok, occ = self.evaluate(child)
                if not ok:
                    return False, []
                out.extend(occ)
            return True, out
        if op == OR:
            out = []
            hit = False
            for child in node[1]:
                ok, occ = self.evaluate(child)
                if ok:
                    hit = True
                    out.extend(occ)
            return hit, out
        return self._near(node)

    def _near(self, node: Compiled) -> tuple[bool, list[tuple[Occurrence, str]]]:
        _, left_id, right_id, left_text, right_text, distance = node
        left = self.found.get(left_id, [])
        right = self.found.get(right_id, [])
        out: list[tuple[Occurrence, str]] = []
        split = self.art.title_tokens
        for a in left:
            for b in right:
                gap = max(b[0] - a[1], a[0] - b[1])
                if gap <= distance and (a[0] < split) == (b[0] < split):
                    out.extend(((a, left_text), (b, right_text)))
        return bool(out), out


def _evidence_of(
    art: _Chunked | _Article, occ: list[tuple[Occurrence, str]]
) -> tuple[Evidence, ...]:
    seen: dict[Occurrence, str] = {}
    for o, term in sorted(occ, key=_FIRST):
        if term and o[1] > o[0] and o not in seen:
            seen[o] = term
            if len(seen) == MAX_EVIDENCE:
                break
    return tuple([art.evidence(o, t) for o, t in seen.items()])


_FIRST = itemgetter(0)
