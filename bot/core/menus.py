"""Navigation menus and section lists around a page's text.

A page's text often opens (and sometimes ends) with the site's menu: a run of one- or
two-word lines naming countries, sections or services ("World / Iran / Economy / Video").
Such a run of three or more before the first line of running text, or after the last one,
goes. So does a menu written on one line ("Home | World | Middle East", breadcrumbs) of
three or more short items between separators, anywhere. Inside the article a run of short
lines stays: there it is usually a list the article gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from bot.core.boilerplate import SENTENCE_END

RUN = 3  # short lines in a row that make a menu
SHORT_WORDS = 2
RUNNING_WORDS = 6  # a line of this many words, or ending a sentence, is running text

_SEPARATED_RE = re.compile(r"\s*(?:[|›»«•·/>]|\s-\s)\s*")


def _short(line: str, norm: str) -> bool:
    n = len(norm.split())
    return 0 < n <= SHORT_WORDS and not line.rstrip().endswith((":", *SENTENCE_END))


def running(line: str, norm: str) -> bool:
    """Running text: a line long enough, or ending a sentence."""
    n = len(norm.split())
    return n >= RUNNING_WORDS or (n > 0 and line.rstrip().endswith(SENTENCE_END))


def one_line_menu(line: str) -> bool:
    """Three or more short items between menu separators, and nothing else."""
    if not _SEPARATED_RE.search(line) or line.rstrip().endswith(SENTENCE_END):
        return False
    items = [x for x in _SEPARATED_RE.split(line.strip()) if x.strip()]
    return len(items) >= RUN and all(len(x.split()) <= 3 for x in items)


def _runs(indices: list[int], short: Callable[[int], bool]) -> set[int]:
    """Of `indices` (non-blank lines in order), those in runs of RUN or more short lines."""
    out: set[int] = set()
    run: list[int] = []
    for i in [*indices, -1]:
        if i >= 0 and short(i):
            run.append(i)
            continue
        if len(run) >= RUN:
            out.update(run)
        run = []
    return out


def menu_lines(lines: list[str], norms: list[str], skip: Collection[int] = ()) -> set[int]:
    """Indices of the lines that are menus: short-line runs before the first running line or
    after the last one, and one-line menus anywhere (they also count in a run). Lines in
    `skip` (boilerplate) neither count nor break a run."""
    filled = [i for i, n in enumerate(norms) if n and i not in skip]
    one_line = {i for i in filled if one_line_menu(lines[i])}
    body = [i for i in filled if i not in one_line and running(lines[i], norms[i])]
    first = body[0] if body else len(lines)
    last = body[-1] if body else len(lines)

    def short(i: int) -> bool:
        return i in one_line or _short(lines[i], norms[i])

    out = _runs([i for i in filled if i < first], short)
    out |= _runs([i for i in filled if i > last], short)
    return out | one_line
