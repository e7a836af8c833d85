"""Crontab day-of-week as a user means it.

In a crontab 0 and 7 are Sunday and 1 is Monday; APScheduler 3's `CronTrigger.from_crontab`
reads the numbers as its own weekday index (0 = Monday) and rejects 7, so "0 8 * * 0" would
fire on Mondays. Rewriting the field to day names before handing it over keeps the meaning.
"""

from __future__ import annotations

import re

NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_NAME_INDEX = {n: i for i, n in enumerate(NAMES)}


class CronError(ValueError):
    """A crontab expression that cannot be read."""


def _day(token: str) -> int:
    token = token.strip().lower()
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token) % 7
    if token[:3] in _NAME_INDEX:
        return _NAME_INDEX[token[:3]]
    raise CronError(f"not a day of the week: {token!r}")


def _days(element: str) -> set[int]:
    part, _, step_text = element.partition("/")
    step = int(step_text) if step_text else 1
    if step < 1 or (step_text and not step_text.isdigit()):
        raise CronError(f"bad step in {element!r}")
    if part == "*":
        first, last = 0, 6
    elif "-" in part:
        a, b = part.split("-", 1)
        first, last = _day(a), _day(b)
        if b.strip() == "7":
            last = 7
    else:
        first = _day(part)
        last = 6 if step_text else first
    if last < first:
        raise CronError(f"backwards range {element!r}")
    return {d % 7 for d in range(first, last + 1, step)}


def crontab_for_apscheduler(expr: str) -> str:
    """`expr` with its day-of-week field spelled as names (Sunday = 0 or 7)."""
    fields = expr.split()
    if len(fields) != 5:
        raise CronError(f"a crontab has 5 fields, got {len(fields)}: {expr!r}")
    dow = fields[4]
    if dow == "*" or re.fullmatch(r"[a-zA-Z]{3}(-[a-zA-Z]{3})?(,[a-zA-Z]{3}(-[a-zA-Z]{3})?)*", dow):
        return expr
    days: set[int] = set()
    for element in dow.split(","):
        days |= _days(element)
    fields[4] = "*" if len(days) == 7 else ",".join(NAMES[d] for d in sorted(days))
    return " ".join(fields)
