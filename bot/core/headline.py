"""The representative title of a story: the headline closest to all the others.

Outlets headline one event differently; the one sharing the most content words with the rest
names what they have in common, while an outlet's angle or a wire copy's teaser stays out.
Ties go to the earliest, so a story's title changes only when a better one arrives.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.normalize import normalize
from bot.core.stem import stems


def representative(titles: Sequence[str]) -> str:
    """The title (in its original form) whose stemmed words overlap the others' the most."""
    bags = [set(filter(None, stems(normalize(t).split()))) for t in titles]
    best, best_score = "", -1.0
    for i, (title, bag) in enumerate(zip(titles, bags, strict=True)):
        if not title.strip():
            continue
        score = sum(
            len(bag & other) / (len(bag | other) or 1) for j, other in enumerate(bags) if j != i
        )
        if score > best_score:
            best, best_score = title, score
    return best
