"""Cleanup of feed text: table of cases (tests/data/cleanup) and idempotence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.cleanup import clean_text

DATA = Path(__file__).parent.parent / "data" / "cleanup"
CASES = yaml.safe_load((DATA / "cases.yaml").read_text(encoding="utf-8"))
CLASSES = yaml.safe_load((DATA / "classes.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "case",
    CASES + CLASSES,
    ids=[c["name"] for c in CASES] + [f"{c['class']}-{c['lang']}: {c['name']}" for c in CLASSES],
)
def test_cleanup_case(case: dict[str, Any]) -> None:
    out = clean_text(case["text"])
    for piece in case["keep"]:
        assert piece in out, piece
    for piece in case["drop"]:
        assert piece not in out, piece
    assert clean_text(out) == out


def test_every_class_has_fixtures_in_four_languages_and_unlisted_wordings() -> None:
    four = {"ar", "fa", "en", "ru"}
    for cls in ("menu", "related", "tags", "notice", "comments", "prompt", "credit"):
        cases = [c for c in CLASSES if c["class"] == cls]
        assert {c["lang"] for c in cases} == four, cls
        unlisted = {c["lang"] for c in cases if c.get("unlisted")}
        if cls in ("menu", "related", "tags"):  # headings and labels no lexicon lists
            assert unlisted == four, cls


_LINES = st.sampled_from(
    [
        "اقرأ أيضاً:",
        "Read more",
        "كلمات دلالية: أ ب",
        "المصدر: وكالة",
        "جميع الحقوق محفوظة",
        "• قائمة",
        "عنوان قصير لخبر آخر",
        "فقرة طويلة من النص تتحدث عن موضوع الخبر الرئيسي وتستمر حتى نهاية الجملة.",
        "A long paragraph of the main article that ends with a full stop.",
        "Elsewhere on the site:",
        "School choirs compete in the annual festival",
        "Главная",
        "Политика",
        "Home | World | Opinion",
        "Subjects: Transport, Harbour, Ferries",
        "Facebook Twitter WhatsApp",
        "Comments are moderated and appear on the site once approved.",
        "یرجى تفعيل جافاسكريبت",
        "مواضيع ذات صلة:",
        "",
        "   ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, max_size=15).map("\n".join))
def test_cleanup_is_idempotent_on_structured_text(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_cleanup_is_idempotent_on_any_text(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
