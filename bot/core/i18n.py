"""The bot's own words in English and Arabic: one catalogue, looked up per channel.

Article text is never translated; only the frame around it (headings, labels, replies).
Keys are shared by the digest renderers and the chat commands; a key missing in one
language falls back to English so a new message never breaks a channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Language = Literal["en", "ar"]
LANGUAGES: tuple[Language, ...] = ("en", "ar")
RTL_LANGUAGES = frozenset({"ar"})

CATALOGUE: Mapping[str, Mapping[str, str]] = {
    "en": {
        "digest.title": "newswatch digest — {count} stories",
        "digest.title_one": "newswatch digest — 1 story",
        "digest.part": "part {part} of {parts}",
        "digest.empty": "No new stories.",
        "instant.title": "New story",
        "story.updated": "updated: +{count} outlets",
        "story.first_seen": "first seen {time}",
        "story.outlets": "{count} outlets",
        "story.more_outlets": "+{count}",
        "channel.paused": "Delivery paused: {reason}",
    },
    "ar": {
        "digest.title": "موجز newswatch — عدد الأخبار: {count}",
        "digest.title_one": "موجز newswatch — خبر واحد",
        "digest.part": "الجزء {part} من {parts}",
        "digest.empty": "لا أخبار جديدة.",
        "instant.title": "خبر جديد",
        "story.updated": "تحديث: +{count} مصادر",
        "story.first_seen": "أول ظهور {time}",
        "story.outlets": "عدد المصادر: {count}",
        "story.more_outlets": "+{count}",
        "channel.paused": "الإرسال متوقف: {reason}",
    },
}


def t(language: str, key: str, **values: object) -> str:
    """The message `key` in `language` (English when missing), formatted with `values`."""
    table = CATALOGUE.get(language, CATALOGUE["en"])
    template = table.get(key) or CATALOGUE["en"][key]
    return template.format(**values)


def is_rtl(language: str) -> bool:
    return language in RTL_LANGUAGES
