"""Rule files (already read: (name, text) pairs) → a validated RuleSet, or every problem at once.

Evaluation order, as the matcher applies it to one article (title and main text):
  1. Normalise and tokenise the article once (bot.core.normalize).
  2. Look every token up in one dictionary of all alias and query words, with Arabic
     proclitics stripped from text tokens (never below 3 letters), g-letter variants for
     Arabic-script alias tokens of 4+ letters, and prefixes (`word*`).
  3. Entities: an alias matches where all its tokens stand consecutively; a hit inside an
     occurrence of one of the entity's `exclude` phrases is dropped. An entity with at least
     one hit left matches.
  4. Topics, in dependency order (a `#topic` after the topic it names): only topics whose
     words, @entities or #topics occurred are evaluated; NOT > AND > OR, NEAR/n on tokens.
Ids are global across files; entities and topics are separate namespaces (@id, #id).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast, get_args

from bot.core.query import (
    And,
    Near,
    Node,
    Not,
    Or,
    QuerySyntaxError,
    Ref,
    Term,
    make_term,
    parse_query,
    refs,
)
from bot.core.yamlpos import Document, Problem, YamlFileError, load_document
from bot.models import Entity, EntityKind, Topic

ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
LANG_RE = re.compile(r"[a-z]{2,3}")
TOP_KEYS = ("entities", "topics")
ENTITY_KEYS = ("name", "kind", "aliases", "exclude", "description")
TOPIC_KEYS = ("name", "query", "priority", "description")
KINDS: tuple[str, ...] = get_args(EntityKind)
PRIORITIES = ("high", "normal")


class RulesError(Exception):
    """Rule files that cannot be used; `problems` lists every error of every file."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class RuleSet:
    entities: Mapping[str, Entity] = field(default_factory=dict)
    topics: Mapping[str, Topic] = field(default_factory=dict)
    aliases: Mapping[str, tuple[Term, ...]] = field(default_factory=dict)  # entity id → terms
    excludes: Mapping[str, tuple[Term, ...]] = field(default_factory=dict)
    queries: Mapping[str, Node] = field(default_factory=dict)  # topic id → AST
    order: tuple[str, ...] = ()  # topic ids, each after every #topic it refers to


def parse_rules(files: Sequence[tuple[str, str]]) -> RuleSet:
    """Validate and parse rule files; raise RulesError with every problem found."""
    problems: list[Problem] = []
    b = _Builder(problems)
    for name, text in files:
        try:
            doc = load_document(text, name)
        except YamlFileError as exc:
            problems.extend(exc.problems)
            continue
        b.add_document(doc)
    b.check_references()
    order = b.topic_order()
    if problems:
        rank = {name: i for i, (name, _) in enumerate(files)}
        problems.sort(key=lambda p: (rank.get(p.file, -1), p.line, p.column))
        raise RulesError(problems)
    return RuleSet(b.entities, b.topics, b.aliases, b.excludes, b.queries, order)


class _Builder:
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.entities: dict[str, Entity] = {}
        self.topics: dict[str, Topic] = {}
        self.aliases: dict[str, tuple[Term, ...]] = {}
        self.excludes: dict[str, tuple[Term, ...]] = {}
        self.queries: dict[str, Node] = {}
        self.where: dict[tuple[str, str], tuple[Document, tuple[str, str]]] = {}

    def add_document(self, doc: Document) -> None:
        value = doc.value
        if value is None:
            return
        if not isinstance(value, dict):
            self.problems.append(doc.problem((), "a rules file is a mapping with entities/topics"))
            return
        for key in value:
            if key not in TOP_KEYS:
                self.problems.append(
                    doc.problem((key,), f"unknown key {key!r} (expected {', '.join(TOP_KEYS)})")
                )
        for section, add in (("entities", self.add_entity), ("topics", self.add_topic)):
            rules = value.get(section)
            if rules is None:
                continue
            if not isinstance(rules, dict):
                self.problems.append(doc.problem((section,), f"{section} must be a mapping"))
                continue
            for rid, body in rules.items():
                path = (section, str(rid))
                if not isinstance(rid, str) or not ID_RE.fullmatch(rid):
                    self.problems.append(
                        doc.problem(path, f"invalid id {rid!r}: use a-z, 0-9, '-' and '_'")
                    )
                    continue
                if not isinstance(body, dict):
                    self.problems.append(doc.problem(path, f"{rid}: expected a mapping of keys"))
                    continue
                kind = section[:-1] if section == "topics" else "entity"
                seen = self.where.get((kind, rid))
                if seen is not None:
                    other, other_path = seen
                    line, _ = other.where(other_path)
                    self.problems.append(
                        doc.problem(
                            path, f"duplicate {kind} id {rid!r} (first in {other.file}:{line})"
                        )
                    )
                    continue
                self.where[(kind, rid)] = (doc, path)
                add(doc, path, rid, body)

    def _keys(
        self, doc: Document, path: tuple[str, str], body: dict[str, Any], allowed: tuple[str, ...]
    ) -> None:
        for key in body:
            if key not in allowed:
                self.problems.append(
                    doc.problem(
                        (*path, key), f"unknown key {key!r} (expected {', '.join(allowed)})"
                    )
                )

    def _name(
        self, doc: Document, path: tuple[str, str], body: dict[str, Any]
    ) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The default name (the first given) and the names per language."""
        name = body.get("name")
        if isinstance(name, dict) and name:
            names: list[tuple[str, str]] = []
            for lang, text in name.items():
                where = (*path, "name", str(lang))
                if not isinstance(lang, str) or not LANG_RE.fullmatch(lang):
                    self.problems.append(
                        doc.problem(where, f"{lang!r}: a language code such as en, ar, fa, ru")
                    )
                elif not isinstance(text, str) or not text.strip():
                    self.problems.append(doc.problem(where, f"name.{lang} must be text"))
                else:
                    names.append((lang, text))
            return (names[0][1] if names else path[1]), tuple(names)
        if not isinstance(name, str) or not name.strip():
            self.problems.append(
                doc.problem(
                    path, f"{path[1]}: `name` is required (text, or a mapping language: text)"
                )
            )
            return path[1], ()
        return name, ()

    def _strings(
        self, doc: Document, path: tuple[str, ...], value: Any, what: str
    ) -> list[tuple[int, str]]:
        if not isinstance(value, list):
            self.problems.append(doc.problem(path, f"{what} must be a list"))
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, int | float) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.problems.append(doc.problem((*path, i), f"{what}: item {i + 1} is not text"))
                continue
            out.append((i, item))
        return out

    def _terms(
        self, doc: Document, path: tuple[str, ...], items: list[tuple[int, str]]
    ) -> tuple[Term, ...]:
        terms = []
        for i, text in items:
            try:
                terms.append(make_term(text))
            except QuerySyntaxError as exc:
                self.problems.append(doc.problem((*path, i), f"{text!r}: {exc.message}"))
        return tuple(terms)

    def add_entity(
        self, doc: Document, path: tuple[str, str], rid: str, body: dict[str, Any]
    ) -> None:
        self._keys(doc, path, body, ENTITY_KEYS)
        name, names = self._name(doc, path, body)
        kind = body.get("kind", "thing")
        if kind not in KINDS:
            self.problems.append(
                doc.problem((*path, "kind"), f"kind must be one of {', '.join(KINDS)}")
            )
            kind = "thing"
        raw = body.get("aliases")
        if raw is None or raw == []:
            self.problems.append(
                doc.problem(path, f"{rid}: `aliases` must list at least one alias")
            )
            aliases: list[tuple[int, str]] = []
        else:
            aliases = self._strings(doc, (*path, "aliases"), raw, "aliases")
        excludes = self._strings(doc, (*path, "exclude"), body.get("exclude", []), "exclude")
        description = body.get("description", "")
        self.aliases[rid] = self._terms(doc, (*path, "aliases"), aliases)
        self.excludes[rid] = self._terms(doc, (*path, "exclude"), excludes)
        self.entities[rid] = Entity(
            id=rid,
            name=name,
            aliases=tuple(a for _, a in aliases),
            kind=cast(EntityKind, kind),
            description=str(description or ""),
            exclude=tuple(e for _, e in excludes),
            names=names,
        )

    def add_topic(
        self, doc: Document, path: tuple[str, str], rid: str, body: dict[str, Any]
    ) -> None:
        self._keys(doc, path, body, TOPIC_KEYS)
        name, names = self._name(doc, path, body)
        priority = body.get("priority", "normal")
        if priority not in PRIORITIES:
            self.problems.append(
                doc.problem((*path, "priority"), "priority must be high or normal")
            )
            priority = "normal"
        query = body.get("query")
        if not isinstance(query, str) or not query.strip():
            self.problems.append(doc.problem(path, f"{rid}: `query` is required (text)"))
            query = ""
        else:
            try:
                node = parse_query(query)
            except QuerySyntaxError as exc:
                self.problems.append(
                    doc.problem(
                        (*path, "query"),
                        f"{rid}: query syntax: {exc.message} (column {exc.position + 1})",
                        exc.caret(),
                    )
                )
            else:
                if evaluate_empty(node):
                    self.problems.append(
                        doc.problem(
                            (*path, "query"),
                            f"{rid}: the query matches an article with none of its terms; "
                            "add a term outside NOT",
                        )
                    )
                self.queries[rid] = node
        self.topics[rid] = Topic(
            id=rid,
            name=name,
            query=query,
            priority=priority,
            description=str(body.get("description", "") or ""),
            names=names,
        )

    def check_references(self) -> None:
        for tid, node in self.queries.items():
            doc, path = self.where[("topic", tid)]
            for ref in refs(node):
                known = self.entities if ref.kind == "entity" else self.topics
                if ref.id not in known:
                    sign = "@" if ref.kind == "entity" else "#"
                    query = self.topics[tid].query
                    self.problems.append(
                        doc.problem(
                            (*path, "query"),
                            f"{tid}: undefined {ref.kind} {sign}{ref.id} "
                            f"(column {ref.position + 1})",
                            QuerySyntaxError("", query, ref.position).caret(),
                        )
                    )

    def topic_order(self) -> tuple[str, ...]:
        """Topics in dependency order; a cycle is reported once, at each topic on it."""
        deps = {
            tid: [r.id for r in refs(node) if r.kind == "topic" and r.id in self.queries]
            for tid, node in self.queries.items()
        }
        order: list[str] = []
        state: dict[str, int] = {}  # 1 visiting, 2 done
        reported: set[str] = set()

        def visit(tid: str, stack: list[str]) -> None:
            if state.get(tid) == 2:
                return
            if state.get(tid) == 1:
                cycle = [*stack[stack.index(tid) :], tid]
                for member in cycle[:-1]:
                    if member not in reported:
                        reported.add(member)
                        doc, path = self.where[("topic", member)]
                        self.problems.append(
                            doc.problem(
                                (*path, "query"),
                                f"{member}: topics refer to each other in a cycle: "
                                + " → ".join(f"#{c}" for c in cycle),
                            )
                        )
                return
            state[tid] = 1
            for dep in deps[tid]:
                visit(dep, [*stack, tid])
            state[tid] = 2
            order.append(tid)

        for tid in deps:
            visit(tid, [])
        return tuple(order)


def evaluate_empty(node: Node) -> bool:
    """The query's value on an article where nothing at all occurs."""
    if isinstance(node, Term | Near | Ref):
        return False
    if isinstance(node, Not):
        return not evaluate_empty(node.child)
    if isinstance(node, And):
        return all(evaluate_empty(c) for c in node.children)
    if isinstance(node, Or):
        return any(evaluate_empty(c) for c in node.children)
    raise TypeError(node)
