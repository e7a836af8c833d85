"""Schedules typed in chat: whatever the command layer accepts, the scheduler accepts."""

from __future__ import annotations

import pytest
from apscheduler.triggers.cron import CronTrigger
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.commands.base import CommandError
from bot.core.commands.parse import schedule, valid_cron
from bot.core.cron import crontab_for_apscheduler

_ATOM = st.sampled_from(
    ["*", "0", "1", "5", "6", "7", "12", "23", "24", "31", "59", "60", "mon", "fri", "sun",
     "jan", "dec", "x", ""]
)  # fmt: skip
_PART = st.builds(
    lambda a, b, step: a + (f"-{b}" if b else "") + (f"/{step}" if step else ""),
    _ATOM,
    st.one_of(st.just(""), _ATOM),
    st.sampled_from(["", "2", "15", "0"]),
)
_FIELD = st.lists(_PART, min_size=1, max_size=3).map(",".join)


def _scheduler_accepts(expr: str) -> bool:
    try:
        CronTrigger.from_crontab(crontab_for_apscheduler(expr), timezone="UTC")
    except ValueError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(st.lists(_FIELD, min_size=5, max_size=5).map(" ".join))
def test_accepted_cron_is_accepted_by_the_scheduler(expr: str) -> None:
    if valid_cron(expr):
        assert _scheduler_accepts(expr), expr


@pytest.mark.parametrize(
    ("typed", "cron"),
    [
        ("hourly", "0 * * * *"),
        ("daily 07:30", "30 7 * * *"),
        ("DAILY 7:05", "5 7 * * *"),
        ("off", None),
        ("0 8,20 * * mon-fri", "0 8,20 * * mon-fri"),
        ("*/15   6-22 * * *", "*/15 6-22 * * *"),
    ],
)
def test_schedule_forms(typed: str, cron: str | None) -> None:
    assert schedule(typed) == cron
    if cron is not None:
        assert _scheduler_accepts(cron)


@pytest.mark.parametrize(
    "typed", ["daily 24:00", "daily 7", "weekly", "0 8 * * 8", "0 8 * * mon-sun", "* * * *", ""]
)
def test_schedule_refusals(typed: str) -> None:
    with pytest.raises(CommandError):
        schedule(typed)
