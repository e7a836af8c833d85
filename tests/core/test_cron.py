from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.core.cron import CronError, crontab_for_apscheduler

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("0 8 * * *", "0 8 * * *"),
        ("0 8 * * 0", "0 8 * * sun"),
        ("0 8 * * 7", "0 8 * * sun"),
        ("0 9 * * 1-5", "0 9 * * mon,tue,wed,thu,fri"),
        ("0 9 * * 5-7", "0 9 * * sun,fri,sat"),
        ("0 9 * * 0,3", "0 9 * * sun,wed"),
        ("0 9 * * */2", "0 9 * * sun,tue,thu,sat"),
        ("0 9 * * mon-fri", "0 9 * * mon-fri"),
        ("0 9 * * 0-6", "0 9 * * *"),
    ],
)
def test_day_of_week_becomes_names(expr: str, expected: str) -> None:
    assert crontab_for_apscheduler(expr) == expected


@pytest.mark.parametrize("expr", ["0 8 * *", "0 8 * * 8", "0 8 * * 5-2", "0 8 * * x/0"])
def test_bad_expressions_raise(expr: str) -> None:
    with pytest.raises(CronError):
        crontab_for_apscheduler(expr)


def test_sunday_fires_on_sunday() -> None:
    trigger = CronTrigger.from_crontab(crontab_for_apscheduler("0 8 * * 0"), timezone=UTC)
    saturday = datetime(2026, 11, 21, 12, tzinfo=UTC)
    fire = trigger.get_next_fire_time(None, saturday)
    assert fire is not None and fire.weekday() == 6 and fire.day == 22
