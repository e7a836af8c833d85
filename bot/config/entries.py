"""The file's lists of mappings (`sources:`, `channels:`): each entry with its position, its
keys checked against the known ones and its id checked (present, well formed, not repeated)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.core.yamlpos import Document, Problem
from bot.settings import did_you_mean

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class Entry:
    """One mapping of the list; `bad` records a problem at one of its keys."""

    doc: Document
    item: dict[str, Any]
    path: tuple[str | int, ...]
    where: str  # e.g. sources[2]
    id: str
    problems: list[Problem]
    start: int = field(init=False)

    def __post_init__(self) -> None:
        self.start = len(self.problems)

    def bad(self, key: str, message: str) -> None:
        self.problems.append(self.doc.problem((*self.path, key), f"{self.where}.{key}: {message}"))

    @property
    def ok(self) -> bool:
        """No problem found in this entry (so far)."""
        return len(self.problems) == self.start


def entries(
    doc: Document, key: str, noun: str, keys: Collection[str], problems: list[Problem]
) -> Iterator[Entry]:
    """The mappings listed under `key` whose keys are among `keys`; problems for the rest."""
    raw = doc.value.get(key) or []
    if not isinstance(raw, list):
        problems.append(doc.problem((key,), f"{key}: expected a list"))
        return
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path: tuple[str | int, ...] = (key, i)
        if not isinstance(item, dict):
            problems.append(doc.problem(path, f"{key}[{i}]: expected a mapping with an id"))
            continue
        entry = Entry(doc, item, path, f"{key}[{i}]", str(item.get("id", "")), problems)
        for name in item:
            if name not in keys:
                entry.bad(name, f"unknown key{did_you_mean(str(name), sorted(keys))}")
        if not ID_RE.match(entry.id):
            entry.bad("id", "required, letters/digits/_.-")
        elif entry.id in seen:
            entry.bad("id", f"duplicate {noun} id {entry.id!r}")
        seen.add(entry.id)
        yield entry
