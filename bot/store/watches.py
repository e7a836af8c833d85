"""Rules made in chat: entities (`entity add/alias/remove`) and watches (`watch/unwatch`).

A watch is stored with the channel's subscription to its topic (origin 'chat'), both in one
transaction, so a channel never follows a watch that is not there nor keeps a watch it does
not follow. bot.core.chatrules merges what `chat_rules` returns into the rule set.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlite_utils import Database

from bot.core.chatrules import ChatEntity, ChatRules, ChatWatch
from bot.models import DeliveryMode, EntityKind
from bot.store.base import to_iso


def entity_from_row(row: dict[str, Any]) -> ChatEntity:
    """A chat_entities row (either engine) as a ChatEntity."""
    aliases = json.loads(row["aliases"]) if isinstance(row["aliases"], str) else row["aliases"]
    return ChatEntity(row["id"], row["name"], tuple(aliases), cast(EntityKind, row["kind"]))


def new_aliases(have: Sequence[str], aliases: Sequence[str]) -> list[str]:
    """`have` with the `aliases` it lacks appended (compared case-insensitively)."""
    out = list(have)
    seen = {a.casefold() for a in out}
    for alias in aliases:
        if alias.casefold() not in seen:
            seen.add(alias.casefold())
            out.append(alias)
    return out


class WatchQueries:
    db: Database

    def chat_rules(self) -> ChatRules:
        entities = tuple(
            entity_from_row(r) for r in self.db.query("SELECT * FROM chat_entities ORDER BY id")
        )
        watches = tuple(
            ChatWatch(r["channel_id"], r["name"], r["query"])
            for r in self.db.query("SELECT * FROM chat_watches ORDER BY channel_id, name")
        )
        return ChatRules(entities, watches)

    def add_chat_entity(self, entity: ChatEntity, by: str, now: datetime) -> bool:
        """False when a chat entity with that id exists already (nothing changed)."""
        with self.db.conn:
            cursor = self.db.execute(
                "INSERT INTO chat_entities (id, name, kind, aliases, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
                [
                    entity.id,
                    entity.name,
                    entity.kind,
                    json.dumps(list(entity.aliases), ensure_ascii=False),
                    by,
                    to_iso(now),
                ],
            )
        return cursor.rowcount > 0

    def add_chat_aliases(self, entity_id: str, aliases: Sequence[str]) -> int | None:
        """How many of `aliases` were new to the chat entity; None: no such chat entity."""
        with self.db.conn:
            row = self.db.execute(
                "SELECT aliases FROM chat_entities WHERE id = ?", [entity_id]
            ).fetchone()
            if row is None:
                return None
            have = json.loads(row[0])
            merged = new_aliases(have, aliases)
            if len(merged) > len(have):
                self.db.execute(
                    "UPDATE chat_entities SET aliases = ? WHERE id = ?",
                    [json.dumps(merged, ensure_ascii=False), entity_id],
                )
        return len(merged) - len(have)

    def remove_chat_entity(self, entity_id: str) -> bool:
        with self.db.conn:
            cursor = self.db.execute("DELETE FROM chat_entities WHERE id = ?", [entity_id])
        return cursor.rowcount > 0

    def save_watch(self, watch: ChatWatch, mode: DeliveryMode, by: str, now: datetime) -> str:
        """'added', 'changed' (another query) or 'same'; the channel follows the watch."""
        with self.db.conn:
            row = self.db.execute(
                "SELECT query FROM chat_watches WHERE channel_id = ? AND name = ?",
                [watch.channel_id, watch.name],
            ).fetchone()
            self.db.execute(
                """INSERT INTO chat_watches (channel_id, name, query, created_by, created_at)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT(channel_id, name)
                   DO UPDATE SET query = excluded.query""",
                [watch.channel_id, watch.name, watch.query, by, to_iso(now)],
            )
            self.db.execute(
                """INSERT INTO subscriptions (channel_id, target, mode, origin)
                   VALUES (?, ?, ?, 'chat') ON CONFLICT(channel_id, target)
                   DO UPDATE SET mode = excluded.mode, origin = 'chat'""",
                [watch.channel_id, watch.topic_id, mode],
            )
        if row is None:
            return "added"
        return "same" if row[0] == watch.query else "changed"

    def remove_watch(self, channel_id: str, name: str) -> bool:
        """The watch and the channel's subscription to it; False when there was none."""
        topic = ChatWatch(channel_id, name, "").topic_id
        with self.db.conn:
            cursor = self.db.execute(
                "DELETE FROM chat_watches WHERE channel_id = ? AND name = ?", [channel_id, name]
            )
            self.db.execute(
                "DELETE FROM subscriptions WHERE channel_id = ? AND target = ?",
                [channel_id, topic],
            )
        return cursor.rowcount > 0
