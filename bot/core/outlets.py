"""A story's outlets: who reported it, each link shown once.

Articles of a story are one outlet when they come from one source, or when they carry the
same canonical link (tracking parameters, AMP dress and fragments folded away by
core.urls): a section feed and the main feed of one site, or the link with `?utm_source=`,
are one report, not two. The outlet is named after every source that carried it, in order
of first report, and shows the link of its first article.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.urls import canonical_url
from bot.models import Outlet

# (source id, source display name or "", the article's URL), in order of first report
Reported = tuple[str, str, str]


def outlets_of(articles: Sequence[Reported]) -> tuple[Outlet, ...]:
    """One Outlet per group of articles joined by a shared source or canonical link."""
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of: dict[tuple[str, str], int] = {}
    for i, (source_id, _, url) in enumerate(articles):
        for mark in (("s", source_id), ("u", canonical_url(url))):
            j = first_of.setdefault(mark, i)
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)  # the earlier report stays the group's head
    names: dict[int, list[str]] = {}
    for i, (source_id, name, _) in enumerate(articles):
        group = names.setdefault(root(i), [])
        label = name or source_id
        if label not in group:
            group.append(label)
    return tuple(Outlet(", ".join(names[head]), articles[head][2]) for head in sorted(names))
