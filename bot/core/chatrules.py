"""Rules made in chat (`watch`, `entity add`) merged into the rule files' RuleSet.

Chat entities share the entity namespace with the files (`@id` everywhere); their aliases go
through `make_term`, so normalisation, proclitics and letter variants are exactly those of a
file entity. A watch is a channel-local topic with the id `chat:<channel>:<name>`: a file id
can never hold `:`, so the two never collide, and `#topic` in a query cannot name a watch.

When the rule files define an entity with a chat entity's id, the file wins: the chat one is
left out and a warning says so (chat refuses to add an id the files define). A chat rule
that no longer fits the files (a watch naming an entity that is gone) is left out with a
warning; nothing here raises on stored rules, so a bad row never stops a reload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.core.query import Node, QuerySyntaxError, make_term, parse_query, refs
from bot.core.rules import ID_RE, RuleSet, evaluate_empty
from bot.models import Entity, EntityKind, Topic

PREFIX = "chat:"
MAX_NAME = 40  # characters of a watch name or an entity id
CHAT_DESCRIPTION = "added in chat"


@dataclass(frozen=True)
class ChatEntity:
    id: str
    name: str
    aliases: tuple[str, ...]
    kind: EntityKind = "thing"


@dataclass(frozen=True)
class ChatWatch:
    channel_id: str
    name: str
    query: str

    @property
    def topic_id(self) -> str:
        return watch_topic_id(self.channel_id, self.name)


@dataclass(frozen=True)
class ChatRules:
    """Everything made in chat, as the store holds it."""

    entities: tuple[ChatEntity, ...] = ()
    watches: tuple[ChatWatch, ...] = ()


def watch_topic_id(channel_id: str, name: str) -> str:
    return f"{PREFIX}{channel_id}:{name}"


def is_watch(topic_id: str) -> bool:
    return topic_id.startswith(PREFIX)


def watch_name(topic_id: str) -> str:
    """`chat:telegram--100:caspian` → `caspian`."""
    return topic_id.rsplit(":", 1)[-1]


def valid_id(value: str) -> bool:
    """A watch name or an entity id: a rule id (a-z, 0-9, '-', '_') of at most MAX_NAME."""
    return len(value) <= MAX_NAME and ID_RE.fullmatch(value) is not None


def check_query(query: str, rules: RuleSet) -> Node:
    """The watch query's AST; QuerySyntaxError (with a column) when it cannot be used: bad
    syntax, a reference to nothing in `rules`, or a query true on an article with no term."""
    node = parse_query(query)
    for ref in refs(node):
        known = rules.entities if ref.kind == "entity" else rules.topics
        if ref.id not in known or (ref.kind == "topic" and is_watch(ref.id)):
            sign = "@" if ref.kind == "entity" else "#"
            raise QuerySyntaxError(f"unknown {ref.kind} {sign}{ref.id}", query, ref.position)
    if evaluate_empty(node):
        raise QuerySyntaxError(
            "the query matches an article with none of its terms; add a term outside NOT",
            query,
            0,
        )
    return node


def merge(rules: RuleSet, chat: ChatRules) -> tuple[RuleSet, list[str]]:
    """The file rules with the chat rules added, and a warning for each chat rule left out."""
    warnings: list[str] = []
    entities = dict(rules.entities)
    aliases = dict(rules.aliases)
    excludes = dict(rules.excludes)
    for e in chat.entities:
        if e.id in rules.entities:
            warnings.append(
                f"chat entity @{e.id} is also defined in the rule files: the file's is used "
                f"(`entity remove {e.id}` in chat drops the chat one)"
            )
            continue
        terms = []
        for alias in e.aliases:
            try:
                terms.append(make_term(alias))
            except QuerySyntaxError as exc:
                warnings.append(f"chat entity @{e.id}: alias {alias!r} left out: {exc.message}")
        if not terms or not valid_id(e.id):
            warnings.append(f"chat entity @{e.id} left out: no usable id or alias")
            continue
        entities[e.id] = Entity(
            e.id, e.name, tuple(t.text for t in terms), e.kind, CHAT_DESCRIPTION
        )
        aliases[e.id] = tuple(terms)
        excludes[e.id] = ()
    merged = replace(rules, entities=entities, aliases=aliases, excludes=excludes)
    topics = dict(rules.topics)
    queries = dict(rules.queries)
    order = list(rules.order)
    for w in chat.watches:
        try:
            node = check_query(w.query, merged)
        except QuerySyntaxError as exc:
            warnings.append(
                f"watch {w.name} of channel {w.channel_id} left out: {exc.message} "
                f"(column {exc.position + 1})"
            )
            continue
        tid = w.topic_id
        topics[tid] = Topic(tid, w.name, w.query, description=f"watch of {w.channel_id}")
        queries[tid] = node
        order.append(tid)  # after every file topic it may name; watches name no watch
    return replace(merged, topics=topics, queries=queries, order=tuple(order)), warnings


_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_WORD_RE = re.compile(r'"([^"]*)"|(\S+)')


def split_words(text: str) -> list[str] | None:
    """`add x "Kestrin Dagh" kestrin` → ["add", "x", "Kestrin Dagh", "kestrin"]; typographic
    quotes count as `"`; None when a quote is not closed."""
    text = text.translate(_QUOTES)
    if text.count('"') % 2:
        return None
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in _WORD_RE.finditer(text)]
