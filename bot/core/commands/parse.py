"""Argument parsing shared by commands: options, numbers, story refs, schedules, cron.

Every function takes raw user text and either returns a clean value or raises
CommandError with a catalogue key, so no user input reaches the store unchecked.
"""

from __future__ import annotations

import re

from bot.core.commands.base import CommandError
from bot.core.cron import CronError, crontab_for_apscheduler

_OPTION_RE = re.compile(r"(?:^|\s)--(days|page)(?:=|\s+)(\S*)")
_STORY_RE = re.compile(r"[#sS]?(\d{1,12})")
_DAILY_RE = re.compile(r"(\d{1,2}):(\d{2})")

# cron field bounds: minute, hour, day of month, month, day of week. Days are numbered as in
# crontab (sun=0 or 7); bot.core.cron rewrites them to names for APScheduler.
_CRON_BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_CRON_NAMES = {
    3: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    4: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
}


def split_options(args: str) -> tuple[str, dict[str, str]]:
    """`--days 7 iran --page 2` → ("iran", {"days": "7", "page": "2"})."""
    options: dict[str, str] = {}

    def take(m: re.Match[str]) -> str:
        options[m.group(1)] = m.group(2)
        return " "

    rest = _OPTION_RE.sub(take, args)
    return " ".join(rest.split()), options


def number(value: str | None, what: str, low: int, high: int, default: int) -> int:
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise CommandError("bad_number", what=what, low=low, high=high)
    return int(value)


def story_id(value: str) -> int:
    m = _STORY_RE.fullmatch(value.strip())
    if m is None:
        raise CommandError("story.bad", value=value[:40])
    return int(m.group(1))


def schedule(value: str) -> str | None:
    """`hourly`, `daily HH:MM`, `off` (None) or a 5-field cron expression → cron."""
    words = value.lower().split()
    if words == ["off"]:
        return None
    if words == ["hourly"]:
        return "0 * * * *"
    if len(words) == 2 and words[0] == "daily":
        m = _DAILY_RE.fullmatch(words[1])
        if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
            return f"{int(m.group(2))} {int(m.group(1))} * * *"
    if valid_cron(value):
        return " ".join(value.split())
    raise CommandError("schedule.bad", value=value[:60])


def valid_cron(expr: str) -> bool:
    """Five fields of `*`, numbers, names, ranges, lists and steps, within bounds."""
    fields = expr.lower().split()
    if len(fields) != 5:
        return False
    try:
        crontab_for_apscheduler(expr.lower())
    except CronError:
        return False
    return all(_valid_field(f, i) for i, f in enumerate(fields))


def _valid_field(text: str, index: int) -> bool:
    low, high = _CRON_BOUNDS[index]
    names = _CRON_NAMES.get(index, [])

    def value(v: str) -> int | None:
        if v in names:
            return names.index(v) + (1 if index == 3 else 0)
        return int(v) if v.isascii() and v.isdigit() and low <= int(v) <= high else None

    for part in text.split(","):
        base, _, step = part.partition("/")
        if step and not (step.isascii() and step.isdigit() and int(step) > 0):
            return False
        a: int | None
        b: int | None
        if base == "*":
            a, b = low, None
        else:
            start, _, end = base.partition("-")
            a, b = value(start), value(end) if end else None
            if a is None or (end and (b is None or a > b)):
                return False
        assert a is not None
        if step and int(step) > (b or high) - a:  # APScheduler: a step within the range
            return False
    return True
