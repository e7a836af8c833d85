"""Items waiting for their article page (PostgreSQL); see bot.store.waiting."""

from __future__ import annotations

from collections.abc import Sequence

from bot.models import WaitingItem
from bot.store.postgres.base import PostgresBase
from bot.store.waiting import item_from_json, item_json


class PgWaitingQueries(PostgresBase):
    def waiting_items(
        self, source_ids: Sequence[str] | None = None
    ) -> dict[str, list[WaitingItem]]:
        """Every source's waiting items (or those of `source_ids`), oldest first."""
        found: dict[str, list[WaitingItem]] = {}
        sql = "SELECT source_id, key, item, tries, last_error FROM waiting_items"
        if source_ids is None:
            rows = self._all(sql + " ORDER BY id")
        else:
            rows = self._all(sql + " WHERE source_id = ANY(%s) ORDER BY id", [list(source_ids)])
        for r in rows:
            found.setdefault(r["source_id"], []).append(
                WaitingItem(item_from_json(r["item"]), r["key"], r["tries"], r["last_error"])
            )
        return found

    def replace_waiting(self, source_id: str, items: Sequence[WaitingItem]) -> None:
        """Make `items` the source's waiting items; those kept from before keep their
        place (age), new ones go last."""
        with self._tx() as conn, conn.cursor() as cur:
            cur.execute(
                "DELETE FROM waiting_items WHERE source_id = %s AND NOT (key = ANY(%s))",
                [source_id, [w.key for w in items]],
            )
            cur.executemany(
                """INSERT INTO waiting_items (source_id, key, item, tries, last_error)
                   VALUES (%s, %s, %s, %s, %s) ON CONFLICT (source_id, key)
                   DO UPDATE SET tries = excluded.tries, last_error = excluded.last_error""",
                [(source_id, w.key, item_json(w.item), w.tries, w.last_error) for w in items],
            )
