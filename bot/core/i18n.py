"""The bot's own words in English, Arabic, Persian and Russian: one catalogue, looked up per
channel; Arabic and Persian channels are right to left (`is_rtl`).

Article text is never translated; only the frame around it (headings, labels, replies).
Keys are shared by the digest renderers and the chat commands; a key missing in one
language falls back to English so a new message never breaks a channel (and a test,
tests/commands/test_texts_languages.py, fails until it is written in all four).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import get_args

from bot.models import Language

LANGUAGES: tuple[Language, ...] = get_args(Language)  # the `language` choices of a channel
RTL_LANGUAGES = frozenset({"ar", "fa"})

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
        "story.more_outlets": "+{count} more:",
        "story.others": "and {count} others",
        "channel.paused": "Delivery paused: {reason}",
        "message.resent": (
            "Sent again: "
            "an earlier attempt got no answer, so this may repeat a message you already have."
        ),
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
        "story.more_outlets": "و{count} مصادر أخرى:",
        "story.others": "و{count} غيرها",
        "channel.paused": "الإرسال متوقف: {reason}",
        "message.resent": (
            "أُرسلت مرة أخرى: لم يصل رد على محاولة سابقة، فقد تكرر هذه الرسالة رسالة وصلتك."
        ),
    },
    "fa": {
        "digest.title": "خلاصه newswatch — {count} خبر",
        "digest.title_one": "خلاصه newswatch — یک خبر",
        "digest.part": "بخش {part} از {parts}",
        "digest.empty": "خبر تازه‌ای نیست.",
        "instant.title": "خبر تازه",
        "story.updated": "به‌روزرسانی: +{count} رسانه",
        "story.first_seen": "نخستین بار {time}",
        "story.outlets": "{count} رسانه",
        "story.more_outlets": "و {count} رسانه دیگر:",
        "story.others": "و {count} رسانه دیگر",
        "channel.paused": "ارسال متوقف شد: {reason}",
        "message.resent": (
            "دوباره فرستاده شد: تلاش پیشین پاسخی نگرفت، شاید این پیام تکرار پیامی باشد که دارید."
        ),
    },
    "ru": {
        "digest.title": "Дайджест newswatch — сюжетов: {count}",
        "digest.title_one": "Дайджест newswatch — 1 сюжет",
        "digest.part": "часть {part} из {parts}",
        "digest.empty": "Новых сюжетов нет.",
        "instant.title": "Новый сюжет",
        "story.updated": "обновлено: +{count} изд.",
        "story.first_seen": "впервые {time}",
        "story.outlets": "изданий: {count}",
        "story.more_outlets": "ещё {count}:",
        "story.others": "и ещё {count}",
        "channel.paused": "Доставка приостановлена: {reason}",
        "message.resent": (
            "Отправлено повторно: "
            "на прежнюю попытку не пришёл ответ, сообщение может повторять уже полученное."
        ),
    },
}


def t(language: str, key: str, **values: object) -> str:
    """The message `key` in `language` (English when missing), formatted with `values`."""
    table = CATALOGUE.get(language, CATALOGUE["en"])
    template = table.get(key) or CATALOGUE["en"][key]
    return template.format(**values)


def is_rtl(language: str) -> bool:
    return language in RTL_LANGUAGES


RLM, LRM = "\u200f", "\u200e"
_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def directed(text: str, language: str, ltr_marks: bool = False) -> str:
    """`text` with each line started by the direction mark of `language` (RLM for Arabic and
    Persian; LRM for the others with `ltr_marks`, and always on a line that holds right-to-left
    letters: an Arabic headline in an English reply would otherwise turn its line around), so
    a chat app lays out every line in the reader's direction. Lines already starting with a
    mark keep it."""
    rtl = is_rtl(language)
    mark = RLM if rtl else LRM

    def needs(line: str) -> bool:
        if not line or line.startswith((RLM, LRM)):
            return False
        return rtl or ltr_marks or _RTL_LETTER.search(line) is not None

    return "\n".join(mark + line if needs(line) else line for line in text.split("\n"))
