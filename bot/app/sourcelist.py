"""The one answer to "which sources are there, and which run": every reader asks here.

`newswatch fetch`, the daemon, the fetch role, the demo, `sources list/export` and the
chat's source commands all see the same list: the configuration's sources as the file states
them (with a person's pause from the database), then those that live only in the database
(OPML import, `sources add`, chat). The rules of what runs are in
bot.core.commands.sourcebook.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.commands.sourcebook import SourceEntry, merge
from bot.models import Source
from bot.store import Store


def known_sources(configured: Sequence[Source], store: Store) -> list[SourceEntry]:
    """Every source, configured or database-only, with its origin and pause (the store
    must have been synced with `configured`: bot.app.assembly.prepare_store)."""
    return merge(configured, store.source_entries())


def running_sources(configured: Sequence[Source], store: Store) -> list[Source]:
    """The sources a fetch cycle may take: enabled by their settings and not paused."""
    return [e.source for e in known_sources(configured, store) if e.runs]
