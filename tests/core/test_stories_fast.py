"""The story index's fast paths give the answers of the straightforward ones.

`split_words` is `normalize(text).split()` without the join; the shingle fingerprint hashes
the words of one joined encode as it hashed each word's own; the candidate pick sorts where
`Counter.most_common` ran a heap; the action lexicon looks up only the words a C-level filter
lets through.
"""

from __future__ import annotations

import random
from array import array
from collections import Counter
from functools import reduce
from operator import or_
from zlib import crc32

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import shingles, stories
from bot.core.events import _AR_CLITICS, ACTIONS, ActionWords
from bot.core.normalize import normalize, split_words
from bot.core.stem import stems
from bot.core.stories import GroupingParams, StoryIndex, _most_common

_WORDS = st.text(
    st.sampled_from([*"abcxyzабвгابتثپچ", "ß", "ﻻ", "١", "\u064b", " ", ".", "\u200c", "\x0b"]),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(_WORDS)
def test_split_words_is_normalize_then_split(text: str) -> None:
    assert split_words(text) == normalize(text).split()


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_split_words_on_any_text(text: str) -> None:
    assert split_words(text) == normalize(text).split()


def _reference_signature(words: list[str], n: int = 4) -> bytes:
    """The fingerprint as first written: each word encoded and hashed on its own, each bin's
    smallest shingle hash found by a plain loop."""
    if len(words) < n:
        n = max(1, len(words))
    wh = [crc32(w.encode()) for w in words]
    grams = [hash(tuple(wh[i : i + n])) if n > 1 else wh[i] for i in range(len(wh) - n + 1)]
    mins: dict[int, int] = {}
    for h in grams:
        h &= (1 << 30) - 1
        b = h & (shingles.BINS - 1)
        if b not in mins or h < mins[b]:
            mins[b] = h
    return bytes(
        (mins[b] >> 6) % 255 + 1 if b in mins else shingles.EMPTY for b in range(shingles.BINS)
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["قمر", "نجوم", "kelvar", "тарвик", "7", "x", "dorr"]), max_size=80)
)
def test_fingerprint_matches_the_reference(words: list[str]) -> None:
    assert shingles.signature(words) == _reference_signature(words)


def test_fingerprint_of_a_long_text_matches_the_reference() -> None:
    rng = random.Random(5)
    vocab = split_words("وزير الخارجية يزور العاصمة اليوم. The minister visits the capital today.")
    for size in (0, 1, 3, 4, 5, 300):
        words = rng.choices(vocab, k=size)
        assert shingles.signature(words) == _reference_signature(words)


def test_candidate_pick_is_most_common() -> None:
    for seed in range(300):
        rng = random.Random(seed)
        counts: Counter[int] = Counter()
        for _ in range(rng.randint(0, 10)):
            population = rng.randint(200, 3000)
            counts.update(array("I", rng.sample(range(population), rng.randint(1, 200))))
        n = rng.randint(1, 40)
        assert _most_common(counts, n) == [k for k, _ in counts.most_common(n)], seed


def test_action_word_filter_keeps_every_action_word() -> None:
    """`kinds` looks up only the words its C-level filter lets through; the answer must be
    the one looking up every word gives, for action words with and without clitics, their
    neighbours (a letter more or less) and invented words."""
    entries = [*ACTIONS.exact, *(k for table in ACTIONS.prefixes.values() for k in table)]
    rng = random.Random(3)
    pool = ["", "x", "بس", "وبس"]
    for e in entries:
        pool += [e, e + "ات", e[:-1], e[1:], *(c + e for c in _AR_CLITICS)]
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهويپچژگabcdefghiklmnopабвгдеклмнопр"
    pool += ["".join(rng.choices(letters, k=rng.randint(1, 9))) for _ in range(3000)]
    for _ in range(200):
        fresh = ActionWords()
        for _ in range(3):
            batch = rng.sample(pool, rng.randint(0, 80))
            assert fresh.kinds(batch) == reduce(or_, map(fresh.bits, batch), 0), batch


def test_term_ids_as_stemming_each_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """The word memo (emptied now and then) gives each word the id of its stem, new stems
    numbered in text order, as stemming every word in turn does."""
    monkeypatch.setattr(stories, "_WORD_CACHE_MAX", 40)
    index = StoryIndex(GroupingParams())
    vocab: dict[str, int] = {}
    rng = random.Random(9)
    pool = split_words(
        "وزير الخارجية يزور العاصمة ويلتقي نظيره. The ministers visited the capitals and "
        "met their counterparts. Министр посетил столицу и встретился с коллегой. وزیر "
        "خارجه به پایتخت سفر کرد و با همتای خود دیدار کرد. 2025 300 7"
    )
    for _ in range(100):
        words = rng.choices(pool, k=rng.randint(0, 40))
        expected = []
        for s in stems(words):
            if s and s not in vocab:
                vocab[s] = len(vocab) + 1
            expected.append(vocab[s] if s else 0)
        assert index._term_ids(words) == expected
