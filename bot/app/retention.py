"""Keeping the database to the `retention` settings: the daemon's prune job (the `analyse`
role's on PostgreSQL) and `newswatch db prune` call `prune_store`.

Pruning goes in short transactions (bot.store.prune), so in one process the loop yields
between them; the daemon runs it under its fetch lock, so no fetch cycle's writes interleave
with it. What goes is only what no open story, pending message or mute needs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.settings import Settings
from bot.store import Horizons, Store

log = logging.getLogger(__name__)

# The order tables are reported in (what each count means: bot.store.prune).
TABLES = (
    "stories",
    "articles",
    "articles_text",
    "matches",
    "mutes",
    "deliveries",
    "outbox",
    "pruned_keys",
)


def horizons(settings: Settings, now: datetime) -> Horizons:
    """The cut-off times the retention settings give at `now`; a story quiet for twice the
    story window (stories.window_hours) takes no more articles."""
    retention = settings.retention
    return Horizons(
        text=now - timedelta(days=retention.text_days),
        articles=now - timedelta(days=retention.articles_days),
        stories=now - timedelta(days=retention.stories_days),
        deliveries=now - timedelta(days=retention.deliveries_days),
        quiet=now - timedelta(hours=2 * settings.stories.window_hours),
    )


@dataclass
class PruneReport:
    removed: dict[str, int] = field(default_factory=dict)  # rows by table (TABLES)
    seconds: float = 0.0
    bytes_before: int = 0
    bytes_after: int = 0
    switched: bool = False  # the SQLite file was switched to incremental vacuum first
    vacuum: str = ""  # the vacuum mode after the run

    @property
    def total(self) -> int:
        return sum(self.removed.values())


async def prune_store(
    store: Store,
    settings: Settings,
    now: datetime,
    *,
    switch_vacuum: bool = False,
    batch: int = 500,
) -> PruneReport:
    """Remove what the retention settings no longer keep, then give the space back.

    `switch_vacuum`: first switch an older SQLite file to incremental vacuum (one full
    VACUUM, which locks the file while it runs: the CLI does it, the daemon only says so)."""
    started = time.monotonic()
    report = PruneReport(bytes_before=store.space().total_bytes)
    if switch_vacuum:
        report.switched = store.make_incremental()
    removed: Counter[str] = Counter({t: 0 for t in TABLES})
    for done in store.prune_batches(horizons(settings, now), now, batch):
        removed.update(done)
        await asyncio.sleep(0)  # the event loop's other work goes on between batches
    store.reclaim_space()
    space = store.space()
    report.removed = dict(removed)
    report.bytes_after, report.vacuum = space.total_bytes, space.vacuum
    report.seconds = time.monotonic() - started
    return report


def log_report(report: PruneReport) -> None:
    """The daemon's line about a prune run, and the hint when the file cannot shrink."""
    parts = ", ".join(f"{t} {n}" for t, n in report.removed.items() if n)
    log.info(
        "pruned in %.1fs: %s; database %d -> %d bytes",
        report.seconds,
        parts or "nothing to remove",
        report.bytes_before,
        report.bytes_after,
    )
    if report.vacuum == "none" and report.total:
        log.warning(
            "the SQLite file is not in incremental vacuum mode (it is %r): freed space is "
            "reused but the file does not shrink; run `newswatch db prune` once to switch it",
            report.vacuum,
        )
