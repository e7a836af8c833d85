"""The source-kind registry: the one place that names the kinds of source.

Skeleton for the structure work: each entry will name its accept header, config keys, poll
function and OPML/extract behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KindEntry:
    name: str
    help: str


KINDS: dict[str, KindEntry] = {
    entry.name: entry
    for entry in (
        KindEntry("feed", "an RSS or Atom feed"),
        KindEntry("html", "a listing page whose article links are followed"),
    )
}


def kind_names() -> tuple[str, ...]:
    return tuple(KINDS)
