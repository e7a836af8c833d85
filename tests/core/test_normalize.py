"""Normalisation: the folding table, token spans, and the fast path against the reference."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.normalize import DROP, Tokens, fold_char, normalize, tokenize, words

CASES = [
    ("آشتياني أشتياني إشتياني ٱشتياني", "اشتياني اشتياني اشتياني اشتياني"),
    ("مستشفى", "مستشفي"),
    ("زادة", "زاده"),
    ("وزیر الإیرانی", "وزير الايراني"),
    ("کرمان", "كرمان"),
    ("مُسْتَدِيمٌ", "مستديم"),
    ("روسـيا", "روسيا"),
    ("٢٠٢٣ ۱۴۰۲", "2023 1402"),
    ("Ёлка ёж", "елка еж"),
    ("Café ERDOĞAN", "cafe erdogan"),
    ("Straße", "strasse"),
    ("حزب\u200cالله", "حزب الله"),
    ("كيم جونغ - أون", "كيم جونغ اون"),
    ("سو-35، (S-400)", "سو 35 s 400"),
    ("ＩＲＧＣ", "irgc"),
    ("\ufefb", "لا"),
    ("snake_case", "snake case"),
    ("a\u2020b", "a b"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans_cover_the_original_tokens(text: str, expected: str) -> None:
    tokens = tokenize(text)
    assert [t.text for t in tokens] == expected.split()
    for t in tokens:
        assert 0 <= t.start < t.end <= len(text)
        assert normalize(text[t.start : t.end]) == t.text


def reference(text: str) -> list[str]:
    """The per-character fold, the definition the fast path must agree with."""
    folded = "".join(fold_char(c) for c in text)
    return [w for w in folded.replace(DROP, "").split(" ") if w]


_TEXT = st.text(
    st.characters(
        codec="utf-8",
        categories=("L", "M", "N", "P", "S", "Z", "Cf"),
    )
)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_fast_path_agrees_with_the_reference(text: str) -> None:
    assert [w for w in words(text) if w] == reference(text)


_ARABIC = st.text(st.sampled_from([*"ابتجحدرزسشعغفقكلمنهويأإآةىیکپچژگًٌٍَُِّْـٰ ،؛؟-.\u200c", "١", "۵"]))


@settings(max_examples=400, deadline=None)
@given(_ARABIC)
def test_fast_path_agrees_on_arabic_script(text: str) -> None:
    assert [w for w in words(text) if w] == reference(text)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_spans_point_inside_the_text(text: str) -> None:
    toks = Tokens(text)
    for i, w in enumerate(toks.words):
        if w:
            start, end = toks.span(i)
            assert 0 <= start < end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_count_before_matches_tokenising_the_title_alone(title: str, text: str) -> None:
    combined = Tokens(f"{title}\n{text}")
    assert combined.count_before(len(title)) == len(Tokens(title).words)
