"""Dates written in words: Arabic (Levantine and Egyptian/Gulf month names), Persian Solar
Hijri, Eastern digits; and the copyright-year trap.

Extractors fall back to "January 1st of the footer's year" when they find no date, so a
date on 1 January at midnight is *suspect*: callers prefer any other date they have.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ی": "ي", "ى": "ي", "ک": "ك", "ة": "ه"})

# (folded spelling, month, calendar); longer names are tried first so آبان is not آب.
_MONTHS: list[tuple[str, int, str]] = []
for _cal, _names in (
    (
        "greg",
        [
            ["كانون الثاني"],
            ["شباط"],
            ["اذار"],
            ["نيسان"],
            ["ايار"],
            ["حزيران"],
            ["تموز"],
            ["اب"],
            ["ايلول"],
            ["تشرين الاول"],
            ["تشرين الثاني"],
            ["كانون الاول"],
        ],
    ),
    (
        "greg",
        [
            ["يناير", "جانفي", "ژانويه"],
            ["فبراير", "فيفري", "فوريه"],
            ["مارس"],
            ["ابريل", "افريل", "اوريل"],
            ["مايو", "ماي", "مه"],
            ["يونيو", "يونيه", "جوان", "ژوين"],
            ["يوليو", "يوليه", "جويليه", "ژوييه"],
            ["اغسطس", "اوت"],
            ["سبتمبر", "سپتامبر"],
            ["اكتوبر"],
            ["نوفمبر", "نوامبر"],
            ["ديسمبر", "دسامبر"],
        ],
    ),
    (
        "jalali",
        [
            ["فروردين"],
            ["ارديبهشت"],
            ["خرداد"],
            ["تير"],
            ["مرداد"],
            ["شهريور"],
            ["مهر"],
            ["ابان"],
            ["اذر"],
            ["دي"],
            ["بهمن"],
            ["اسفند"],
        ],
    ),
):
    for _i, _spellings in enumerate(_names):
        for _s in _spellings:
            _MONTHS.append((_s, _i + 1, _cal))
_MONTHS.sort(key=lambda m: -len(m[0]))
_MONTH_ALT = "|".join(re.escape(name) for name, _, _ in _MONTHS)
_LOOKUP = {name: (month, cal) for name, month, cal in _MONTHS}
# Day, month name (optionally "(9)" or "/ سبتمبر" beside it), year; word-bounded.
_DATE_RE = re.compile(
    rf"(?<![\w])(\d{{1,2}})\s*(?:من\s+)?({_MONTH_ALT})(?![\w])[^\d\n]{{0,20}}?(\d{{4}})(?!\d)"
)
_TIME_RE = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:٫](\d{2})(?!\d)")


def to_western_digits(text: str) -> str:
    return text.translate(_DIGITS)


def jalali_to_gregorian(jy: int, jm: int, jd: int) -> tuple[int, int, int]:
    """Solar Hijri → Gregorian (the arithmetic algorithm, exact for 1178–1633 SH)."""
    jy += 1595
    days = -355668 + 365 * jy + (jy // 33) * 8 + ((jy % 33) + 3) // 4 + jd
    days += (jm - 1) * 31 if jm < 7 else (jm - 7) * 30 + 186
    gy = 400 * (days // 146097)
    days %= 146097
    if days > 36524:
        days -= 1
        gy += 100 * (days // 36524)
        days %= 36524
        if days >= 365:
            days += 1
    gy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        gy += (days - 1) // 365
        days = (days - 1) % 365
    gd = days + 1
    leap = (gy % 4 == 0 and gy % 100 != 0) or gy % 400 == 0
    month_days = [0, 31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    gm = 1
    while gm <= 12 and gd > month_days[gm]:
        gd -= month_days[gm]
        gm += 1
    return gy, gm, gd


def parse_text_date(text: str) -> datetime | None:
    """The first "day month-name year" date in `text` (UTC), with a clock time beside it."""
    folded = to_western_digits(text).translate(_FOLD)
    for m in _DATE_RE.finditer(folded):
        day, (month, cal), year = int(m.group(1)), _LOOKUP[m.group(2)], int(m.group(3))
        if cal == "jalali":
            if not 1200 <= year <= 1500:
                continue
            year, month, day = jalali_to_gregorian(year, month, day)
        elif not 1900 <= year <= 2200:
            continue
        hour = minute = 0
        t = _TIME_RE.search(folded, m.end(), m.end() + 30)
        if t:
            hour, minute = int(t.group(1)), int(t.group(2))
        try:
            return datetime(year, month, day, hour, minute, tzinfo=UTC)
        except ValueError:
            continue
    return None


def is_suspect(dt: datetime | None) -> bool:
    """1 January at midnight: what extractors return from a footer's copyright year."""
    return dt is not None and dt.month == 1 and dt.day == 1 and dt.hour == 0 and dt.minute == 0
