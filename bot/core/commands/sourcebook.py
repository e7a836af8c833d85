"""Which sources exist and which of them run: the one set of decisions behind `newswatch
sources add/remove/disable/enable`, the chat's `source …` and the web page's Pause button.

A source comes from the configuration file (origin `config`) or lives only in the database
(`opml` from `sources import`, `cli`, `chat`, `web` from an add). The list of every source
is `merge(configured, stored)`: the file's sources as the file states them, then the
database's own; bot.app.sources builds it for every reader (fetch, daemon, fetch role, demo,
`sources list/export`), so they cannot disagree.

A source runs when both say yes:
- its settings: `enabled: false` in the file (the file wins for what it states) stops it,
  whatever else was said;
- a person: a pause (CLI `sources disable`, chat `source pause`, web Pause) is stored apart
  from the file's settings, so re-reading the file and restarting keep it; only a person
  resumes it (`sources enable`, `source resume`, web Resume). Resuming a source the file
  disables is refused with a pointer to the file.
A configured source is removed by editing the file: `remove` refuses it (pausing is the
way to stop it from the CLI or a chat). A source that leaves the file stops and leaves every
list; its row is kept (fetch state, pause) in case the file lists it again.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from bot.core.commands.base import CommandError
from bot.core.commands.texts import text
from bot.models import Source

CONFIG = "config"  # origin of the file's sources
REMOVED = "removed"  # origin of a configured source the file no longer lists
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # as the configuration's ids
MAX_ID = 64


@dataclass(frozen=True)
class SourceEntry:
    """One source with what decides whether it runs."""

    source: Source
    origin: str = CONFIG
    paused_at: datetime | None = None
    paused_by: str | None = None  # "cli", "web", "telegram:<user id>", "slack:<user id>"
    added_by: str | None = None

    @property
    def configured(self) -> bool:
        return self.origin == CONFIG

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    @property
    def runs(self) -> bool:
        return self.source.enabled and not self.paused

    @property
    def state(self) -> str:
        """running, paused (by a person), or disabled (by its settings, e.g. the file)."""
        if not self.source.enabled:
            return "disabled"
        return "paused" if self.paused else "running"


class SourceProblem(CommandError):
    """A refused source change. `key` names a catalogue text (the chat replies in the
    channel's language); str() is the English text the CLI and the web page show.
    `usage` marks a mistake in what was asked (CLI exit status 2), not a failure."""

    def __init__(self, key: str, usage: bool = False, **values: object) -> None:
        super().__init__(key, **values)
        self.usage = usage

    def __str__(self) -> str:
        return text("en", self.key, **self.values)


class SourceBookStore(Protocol):
    """The store methods these decisions need (declared in CommandStore too, so the chat's
    and the web's stores have them; bot.store's Store satisfies both)."""

    def source_entries(self) -> list[SourceEntry]: ...
    def set_source_pause(self, source_id: str, at: datetime | None, by: str | None) -> None: ...
    def remove_source(self, source_id: str) -> None: ...


def merge(configured: Sequence[Source], stored: Sequence[SourceEntry]) -> list[SourceEntry]:
    """Every source: the file's (as the file states them, with the pause the database holds
    for each), then the database's own whose id and URL the file does not have."""
    held = {e.source.id: e for e in stored}
    ids = {s.id for s in configured}
    urls = {s.url for s in configured}
    entries = [
        replace(held[s.id], source=s, origin=CONFIG) if s.id in held else SourceEntry(s)
        for s in configured
    ]
    entries += [
        e
        for e in stored
        if e.origin not in (CONFIG, REMOVED) and e.source.id not in ids and e.source.url not in urls
    ]
    return entries


def find(entries: Sequence[SourceEntry], ident: str) -> SourceEntry:
    """The source named by id (any case), by its exact URL or by its name; SourceProblem
    with the closest ids otherwise."""
    ident = ident.strip()
    for e in entries:
        if e.source.id == ident or e.source.url == ident:
            return e
    folded = [e for e in entries if e.source.id.lower() == ident.lower()]
    if len(folded) == 1:
        return folded[0]
    named = [e for e in entries if e.source.name and e.source.name.lower() == ident.lower()]
    if len(named) == 1:  # as `sources` in a chat shows it
        return named[0]
    ids = [e.source.id for e in entries]
    close = difflib.get_close_matches(ident, ids, n=3, cutoff=0.6)
    if close:
        raise SourceProblem(
            "source.unknown_close", usage=True, ident=ident[:80], ids=", ".join(close)
        )
    raise SourceProblem("source.unknown", usage=True, ident=ident[:80], count=len(ids))


def pause(store: SourceBookStore, ident: str, who: str, now: datetime) -> tuple[SourceEntry, bool]:
    """Pause a source (kept until a person resumes it); whether anything changed."""
    entry = find(store.source_entries(), ident)
    if entry.paused:
        return entry, False
    store.set_source_pause(entry.source.id, now, who)
    return replace(entry, paused_at=now, paused_by=who), True


def resume(store: SourceBookStore, ident: str) -> tuple[SourceEntry, bool]:
    """Lift a person's pause. A source its settings disable stays off: SourceProblem."""
    entry = find(store.source_entries(), ident)
    if not entry.source.enabled:
        raise SourceProblem("source.disabled_by_file", id=entry.source.id)
    if not entry.paused:
        return entry, False
    store.set_source_pause(entry.source.id, None, None)
    return replace(entry, paused_at=None, paused_by=None), True


def remove(store: SourceBookStore, ident: str) -> SourceEntry:
    """Forget a database-only source (its stored articles stay). A configured one is
    refused: the file would bring it back at the next start."""
    entry = find(store.source_entries(), ident)
    if entry.configured:
        raise SourceProblem("source.configured", id=entry.source.id)
    store.remove_source(entry.source.id)
    return entry


def check_new(entries: Sequence[SourceEntry], url: str, source_id: str | None) -> None:
    """Refuse an address that is not http(s), or one (or an id) already known."""
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise SourceProblem("source.bad_url", usage=True, url=url[:200])
    if source_id is not None and (len(source_id) > MAX_ID or not ID_RE.match(source_id)):
        raise SourceProblem("source.bad_id", usage=True, id=source_id[:80])
    for e in entries:
        if e.source.url == url:
            raise SourceProblem("source.known_url", url=url[:200], id=e.source.id)
        if source_id is not None and e.source.id == source_id:
            raise SourceProblem("source.known_id", id=source_id)


def new_id(url: str, taken: Sequence[str]) -> str:
    """An id for a source added by address: its host without `www.` and the last label
    (`alwaha.example` → `alwaha`), then -2, -3 … when taken."""
    host = (urlsplit(url).hostname or "source").removeprefix("www.")
    labels = host.split(".")
    if len(labels) > 1 and not host.replace(".", "").isdigit():
        labels = labels[:-1]
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", "-".join(labels)).strip("-_")[:40] or "source"
    if not base[0].isalnum():
        base = f"s{base}"
    seen = set(taken)
    sid, n = base, 1
    while sid in seen:
        n += 1
        sid = f"{base}-{n}"
    return sid
