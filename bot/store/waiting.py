"""Items waiting for their article page, kept with their feed text (see bot.models)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlite_utils import Database

from bot.models import RawItem, WaitingItem
from bot.store.base import from_iso, in_chunks, to_iso


def item_json(item: RawItem) -> str:
    data = asdict(item)
    data["published"] = to_iso(item.published)
    return json.dumps(data, ensure_ascii=False)


def item_from_json(text: str) -> RawItem:
    data: dict[str, Any] = json.loads(text)
    data["published"] = from_iso(data.get("published"))
    return RawItem(**data)


class WaitingQueries:
    db: Database

    def waiting_items(
        self, source_ids: Sequence[str] | None = None
    ) -> dict[str, list[WaitingItem]]:
        """Every source's waiting items (or those of `source_ids`), oldest first (one query
        per cycle or fetch batch)."""
        found: dict[str, list[WaitingItem]] = {}
        sql = "SELECT source_id, key, item, tries, last_error FROM waiting_items"
        queries: list[tuple[str, list[str]]] = [(f"{sql} ORDER BY id", [])]
        if source_ids is not None:
            queries = [
                (f"{sql} WHERE source_id IN ({marks}) ORDER BY id", chunk)
                for marks, chunk in in_chunks(source_ids)
            ]
        for query, params in queries:
            for source_id, key, item, tries, error in self.db.conn.execute(query, params):
                found.setdefault(source_id, []).append(
                    WaitingItem(item_from_json(item), key, tries, error)
                )
        return found

    def replace_waiting(self, source_id: str, items: Sequence[WaitingItem]) -> None:
        """Make `items` the source's waiting items; those kept from before keep their
        place (age), new ones go last."""
        with self.db.conn:
            keys = [w.key for w in items]
            marks = ",".join("?" * len(keys))
            self.db.conn.execute(
                f"DELETE FROM waiting_items WHERE source_id = ? AND key NOT IN ({marks})",
                [source_id, *keys],
            )
            self.db.conn.executemany(
                """INSERT INTO waiting_items (source_id, key, item, tries, last_error)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT(source_id, key)
                   DO UPDATE SET tries = excluded.tries, last_error = excluded.last_error""",
                [(source_id, w.key, item_json(w.item), w.tries, w.last_error) for w in items],
            )
