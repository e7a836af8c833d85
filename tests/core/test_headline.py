"""The representative title of a story."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.headline import in_language, language_of, representative
from bot.models import Headline, Story


def test_the_headline_sharing_most_words_with_the_others_wins() -> None:
    titles = [
        "Breaking: watch live",
        "Defence minister Haddad arrives in Ostrel for talks",
        "Haddad arrives in Ostrel",
        "Minister Haddad in Ostrel for defence talks",
    ]
    assert representative(titles) == "Defence minister Haddad arrives in Ostrel for talks"


def test_empty_titles_are_skipped_and_ties_go_to_the_earliest() -> None:
    assert representative(["", "  "]) == ""
    assert representative(["", "Haddad lands", "Aoun lands"]) == "Haddad lands"


def _story(title: str, lead: str, *headlines: Headline) -> Story:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    return Story(1, title, lead, now, now, (1,), (), headlines=headlines)


AR = Headline(
    "ar", "وزير الدفاع يصل إلى أوسترل لإجراء محادثات", "وصل وزير الدفاع اليوم إلى أوسترل."
)
EN_1 = Headline(
    "en-GB", "Defence minister lands in Ostrel for talks", "The minister arrived today."
)
EN_2 = Headline(None, "Minister in Ostrel: talks on trade and defence", "Talks began at noon.")
FA = Headline(None, "وزیر دفاع برای گفت‌وگو به اوسترل رفت", "وزیر دفاع امروز وارد اوسترل شد.")


@pytest.mark.parametrize(
    ("language", "title", "lead"),
    [
        ("en", EN_1.title, EN_1.text),  # an English outlet: its headline, not the Arabic one
        ("ar", AR.title, "lead of the story"),  # already in Arabic: unchanged
        ("fa", FA.title, FA.text),  # no code given: the Persian letters tell
        ("ru", AR.title, "lead of the story"),  # no Russian outlet: the representative title
    ],
)
def test_a_story_reads_in_the_channels_language_when_an_outlet_wrote_in_it(
    language: str, title: str, lead: str
) -> None:
    story = _story(AR.title, "lead of the story", AR, EN_1, EN_2, FA)
    shown = in_language(story, language)
    assert (shown.title, shown.lead) == (title, lead)
    assert shown.outlets == story.outlets and shown.id == story.id


@pytest.mark.parametrize(
    ("lang", "title", "expected"),
    [
        ("en-US", "x", "en"),
        ("AR", "x", "ar"),
        ("pt_BR", "x", "pt"),
        (None, "Минобороны провело учения", "ru"),
        (None, "وزیر دفاع", "fa"),
        (None, "وزير الدفاع", "ar"),
        (None, "Talks in Ostrel", "en"),
        (None, "2026 — 12", None),
    ],
)
def test_an_articles_language_is_its_code_else_its_script(
    lang: str | None, title: str, expected: str | None
) -> None:
    assert language_of(lang, title) == expected
