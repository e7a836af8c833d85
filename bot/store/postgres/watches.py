"""Rules made in chat, on PostgreSQL (see bot.store.watches)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.core.chatrules import ChatEntity, ChatRules, ChatWatch
from bot.models import DeliveryMode
from bot.store.postgres.base import PostgresBase
from bot.store.watches import entity_from_row, new_aliases


class PgWatchQueries(PostgresBase):
    def chat_rules(self) -> ChatRules:
        with self._tx() as conn:
            entities = conn.execute("SELECT * FROM chat_entities ORDER BY id").fetchall()
            watches = conn.execute(
                "SELECT * FROM chat_watches ORDER BY channel_id, name"
            ).fetchall()
        return ChatRules(
            tuple(entity_from_row(r) for r in entities),
            tuple(ChatWatch(r["channel_id"], r["name"], r["query"]) for r in watches),
        )

    def add_chat_entity(self, entity: ChatEntity, by: str, now: datetime) -> bool:
        """False when a chat entity with that id exists already (nothing changed)."""
        return (
            self._run(
                "INSERT INTO chat_entities (id, name, kind, aliases, created_by, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT(id) DO NOTHING",
                [
                    entity.id,
                    entity.name,
                    entity.kind,
                    json.dumps(list(entity.aliases), ensure_ascii=False),
                    by,
                    now,
                ],
            )
            > 0
        )

    def add_chat_aliases(self, entity_id: str, aliases: Sequence[str]) -> int | None:
        """How many of `aliases` were new to the chat entity; None: no such chat entity."""
        with self._tx() as conn:
            row = conn.execute(
                "SELECT aliases FROM chat_entities WHERE id = %s FOR UPDATE", [entity_id]
            ).fetchone()
            if row is None:
                return None
            have = json.loads(row["aliases"])
            merged = new_aliases(have, aliases)
            if len(merged) > len(have):
                conn.execute(
                    "UPDATE chat_entities SET aliases = %s WHERE id = %s",
                    [json.dumps(merged, ensure_ascii=False), entity_id],
                )
        return len(merged) - len(have)

    def remove_chat_entity(self, entity_id: str) -> bool:
        return self._run("DELETE FROM chat_entities WHERE id = %s", [entity_id]) > 0

    def save_watch(self, watch: ChatWatch, mode: DeliveryMode, by: str, now: datetime) -> str:
        """'added', 'changed' (another query) or 'same'; the channel follows the watch."""
        with self._tx() as conn:
            row = conn.execute(
                "SELECT query FROM chat_watches WHERE channel_id = %s AND name = %s FOR UPDATE",
                [watch.channel_id, watch.name],
            ).fetchone()
            conn.execute(
                """INSERT INTO chat_watches (channel_id, name, query, created_by, created_at)
                   VALUES (%s, %s, %s, %s, %s) ON CONFLICT(channel_id, name)
                   DO UPDATE SET query = excluded.query""",
                [watch.channel_id, watch.name, watch.query, by, now],
            )
            conn.execute(
                """INSERT INTO subscriptions (channel_id, target, mode, origin)
                   VALUES (%s, %s, %s, 'chat') ON CONFLICT(channel_id, target)
                   DO UPDATE SET mode = excluded.mode, origin = 'chat'""",
                [watch.channel_id, watch.topic_id, mode],
            )
        if row is None:
            return "added"
        return "same" if row["query"] == watch.query else "changed"

    def remove_watch(self, channel_id: str, name: str) -> bool:
        """The watch and the channel's subscription to it; False when there was none."""
        topic = ChatWatch(channel_id, name, "").topic_id
        with self._tx() as conn:
            gone = conn.execute(
                "DELETE FROM chat_watches WHERE channel_id = %s AND name = %s", [channel_id, name]
            ).rowcount
            conn.execute(
                "DELETE FROM subscriptions WHERE channel_id = %s AND target = %s",
                [channel_id, topic],
            )
        return gone > 0
