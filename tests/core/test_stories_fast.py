"""The story index's fast paths give the answers of the straightforward ones.

`split_words` is `normalize(text).split()` without the join; the shingle fingerprint hashes
the words of one joined encode as it hashed each word's own; the candidate pick sorts where
`Counter.most_common` ran a heap; the action lexicon looks up only the words a C-level filter
lets through.
"""

from __future__ import annotations

import math
import random
from array import array
from collections import Counter
from datetime import UTC, datetime
from functools import reduce
from itertools import repeat
from operator import mul, or_
from zlib import crc32

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import events, shingles, stories, wordcodes
from bot.core.events import _AR_CLITICS, ACTIONS, ActionWords, signature
from bot.core.normalize import normalize, split_words
from bot.core.stem import stems
from bot.core.stories import GroupingParams, StoryDoc, StoryIndex, _most_common
from bot.core.wordcodes import WordCodes

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


def test_term_ids_as_stemming_each_word() -> None:
    """The word memo (emptied now and then) gives each word the id of its stem, new stems
    numbered in text order, as stemming every word in turn does."""
    index = StoryIndex(GroupingParams())
    index.words.cache_max = 40
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


_POOL = split_words(
    "وزير الخارجية يزور العاصمة ويلتقي نظيره ويدين الهجوم. The ministers visited the capitals, "
    "met their counterparts and condemned the strike. Министр посетил столицу и осудил удар. "
    "وزیر خارجه به پایتخت سفر کرد و حمله را محکوم کرد. 2025 300 7 seven سبعة"
)


def test_word_codes_hold_term_hash_and_actions() -> None:
    """One code per word gives what stemming, crc32 and the action lexicon give each word."""
    codes = WordCodes(cache_max=30)
    rng = random.Random(4)
    for _ in range(60):
        words = rng.choices(_POOL, k=rng.randint(0, 50))
        got = codes.codes(words)
        assert list(wordcodes.hashes(got)) == [crc32(w.encode()) for w in words]
        assert wordcodes.kinds(got) == ACTIONS.kinds(words)
        assert codes.kinds(words) == ACTIONS.kinds(words)
        by_stem = dict(zip(stems(words), wordcodes.terms(got), strict=True))
        assert all(bool(t) == bool(s) for s, t in by_stem.items())
        assert all(codes.vocab[s] == t for s, t in by_stem.items() if s)
        assert shingles.of_hashes(list(wordcodes.hashes(got))) == shingles.signature(words)


def test_lead_kinds_of_words_never_coded() -> None:
    """A lead cut mid-word asks the lexicon about the piece without numbering its stem."""
    codes = WordCodes()
    codes.codes(["visited", "the"])
    before = dict(codes.vocab)
    assert codes.kinds(["visited", "condem", "the"]) == ACTIONS.kinds(["visited", "condem"])
    assert codes.vocab == before


def test_story_features_as_the_plain_computation() -> None:
    """The features read from word codes and log tables are the ones the plain formulas give:
    TF-IDF weights with math.log, events.signature, shingles.signature."""
    index = StoryIndex(GroupingParams(top_terms=6))
    rng = random.Random(8)
    for i in range(40):
        title = " ".join(rng.choices(_POOL, k=6))
        text = ". ".join(" ".join(rng.choices(_POOL, k=12)) for _ in range(rng.randint(0, 6)))
        doc = StoryDoc(
            i, "s", "en", title, text, datetime(2025, 5, 1, tzinfo=UTC), frozenset(), "u"
        )
        f = index.features(doc)
        title_words = split_words(title)
        words = split_words(text) or title_words
        tf: Counter[int] = Counter(index._term_ids(words))
        for t in index._term_ids(title_words):
            tf[t] += 2
        tf.pop(0, None)
        logn = math.log(len(index.table) + stories.PRIOR_DOCS)
        df = index.table.term_df
        w = {
            t: (-1.0 - math.log(n)) * (logn - math.log(1 + (df[t] if t < len(df) else 0)))
            for t, n in tf.items()
        }
        top = sorted(w, key=w.__getitem__)[:6]
        norm = -math.sqrt(sum(w[t] ** 2 for t in top)) or 1.0
        assert f.terms == tuple(top)
        assert f.weights == tuple(w[t] / norm for t in top)
        event = signature(title, text, title_words, words)
        assert (f.kinds, f.lead_kinds, f.numbers) == (event.kinds, event.lead, event.numbers)
        assert f.sig == shingles.signature(words)
        index.add(doc, i // 3 + 1)


def test_log_tables_give_the_same_floats() -> None:
    ns = [1, 2, 7, 300, 5000, 1 << 17]
    assert list(stories._NEG_1_LOG.of(ns)) == [-1.0 - math.log(n) for n in ns]


def test_cosine_of_shared_terms_is_the_whole_dot_product() -> None:
    rng = random.Random(6)
    for _ in range(2000):
        k = rng.randint(1, 12)
        pool = rng.sample(range(1, 60), 2 * k)
        query = {t: rng.random() for t in rng.sample(pool, rng.randint(0, k))}
        terms = array("I", rng.sample(pool, k) + [0] * rng.randint(0, 3))
        weights = array("H", [rng.randrange(65536) for _ in range(len(terms) + 5)])
        start = rng.randint(0, 5)
        products = map(mul, map(query.get, terms, repeat(0.0)), weights[start : start + k + 3])
        whole = sum(products)
        got = stories._cosine(query, frozenset(query), terms, weights, start)
        assert got == whole / stories.WEIGHT_SCALE


def test_kind_points_max_bounds_every_other_article() -> None:
    """The quick "no" of the event level counts on it: no article's actions agree more."""
    rng = random.Random(12)
    bits = [*events.BITS.values()]
    for _ in range(3000):
        a_lead = reduce(or_, rng.sample(bits, rng.randint(0, 3)), 0)
        a_all = a_lead | reduce(or_, rng.sample(bits, rng.randint(0, 4)), 0)
        best = events.kind_points_max(a_lead, a_all)
        for _ in range(20):
            b_lead = reduce(or_, rng.sample(bits, rng.randint(0, 3)), 0)
            b_all = b_lead | reduce(or_, rng.sample(bits, rng.randint(0, 4)), 0)
            assert events.kind_points(a_lead, a_all, b_lead, b_all) <= best
        assert events.kind_points(a_lead, a_all, a_all, a_all) == best
