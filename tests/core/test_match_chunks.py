"""The chunk path (text cut at common separators, each chunk remembered with the words it
matches) gives the answers of the token path it stands in for.

`Matcher.match` takes the chunk path when every chunk of an article is exactly one token and
falls back to `Tokens` otherwise; `_scan_tokens` is that token path, kept as the reference
here. Texts mix words with proclitics, dropped marks at their edges, capitals, phrases and
separators the chunk cutter knows with characters it does not (emoji, ligatures, ß, an em
space, a decomposed accent), so both paths and the switch between them are exercised.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import lexicon
from bot.core.match import _ENDS, Matcher, _Chunked, _evidence, _match_of
from bot.core.normalize import (
    SEPARATOR_CHARS,
    Tokens,
    chunk_pair,
    chunks,
    fold_char,
    fold_chunks,
)
from bot.core.rules import parse_rules
from bot.models import Evidence, Match, MatchResult
from tests.core.test_match_fast import RULES  # entities, excludes, phrases, NEAR, refs

# one chunk each: a token the rules know or not, with proclitics, marks, tatweel, capitals
WORDS = [
    "قمر",
    "والقمر",
    "بالقمرِ",
    "ًقمرٌ",
    "القمـر",
    "نجوم",
    "للنجوم",
    "نجم",
    "ساطع",
    "غابرو",
    "وجابرو",
    "قابرو",
    "ژاله",
    "زاله",
    "سفينة",
    "Kelvar",
    "KELVARITE",
    "kelvar",
    "ostrand",
    "Mirrow",
    "dorr",
    "lumen",
    "Тарвика",
    "тарвик",
    "ёж",
    "١٢٣",
    "x",
]
SEPARATORS = [" ", " ", " ", ". ", "، ", "\n", "«", "» ", "-", "…", "\xa0", " (", ") ", "’s "]
# characters the chunk cutter does not know: several tokens, none, or a longer fold
ODD = ["😀", "½", "\ufefb", "Straße", "\u2003", "e\u0301", "a\u2020b", "\u064b"]

_PIECE = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(SEPARATORS),
    st.sampled_from(WORDS),
    st.sampled_from(ODD),
)
_TEXT = st.lists(_PIECE, max_size=40).map("".join)

_MATCHER = Matcher(parse_rules([("chunks.yaml", RULES)]))  # compiled memo when built
_PURE = Matcher(parse_rules([("chunks.yaml", RULES)]), compiled=False)


def _reference(m: Matcher, title: str, text: str) -> MatchResult:
    entities, topics, _ = m._match(*m._scan_tokens(title, text))
    return MatchResult(tuple(entities), tuple(topics))


@settings(max_examples=500, deadline=None)
@given(_TEXT, _TEXT, st.booleans())
def test_chunk_path_answers_as_the_token_path(title: str, text: str, forget: bool) -> None:
    for m in (_MATCHER, _PURE):
        if forget:
            m.lexicon.forget()
        assert m.match(title, text) == _reference(m, title, text)


@pytest.mark.parametrize("compiled", sorted({False, lexicon.COMPILED}))
def test_both_paths_are_exercised(compiled: bool) -> None:
    """The texts above reach the chunk path and the fallback, with evidence on both."""
    m = Matcher(parse_rules([("chunks.yaml", RULES)]), compiled=compiled)
    plain = ("Kelvar «mirrow dorr»", "والقمرِ… قمرٌ، نجوم. тарвика kelvar")
    odd = ("Kelvar 😀", "والقمرِ ½ نجوم")
    assert isinstance(m._scan(*plain)[0], _Chunked)
    assert not isinstance(m._scan(*odd)[0], _Chunked)
    for title, text in (plain, odd):
        result = m.match(title, text)
        assert result.entities and result.topics
        assert result == _reference(m, title, text)
    surfaces = [e.surface for e in m.match(*plain).entities[0].evidence]
    assert surfaces == ["Kelvar", "mirrow dorr", "والقمر", "قمر", "kelvar"]  # edge marks left out


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_one_token_chunks_fold_as_the_text_does(text: str) -> None:
    """Where `fold_chunks` says a chunk is one token, the tokens are those of `Tokens`."""
    parts = [p for p in chunks(text) if p]
    folded = fold_chunks(parts)
    assert len(folded) == len(parts)
    if None not in folded:
        assert [f.replace("\x00", "") for f in folded if f is not None] == Tokens(text).words
    for part, f in zip(parts, folded, strict=True):
        if f is not None:
            assert Tokens(part).words == [f.replace("\x00", "")]


@pytest.mark.parametrize("memo_size", [3, 50, 200_000])
def test_chunk_memo_answers_as_a_fresh_lookup(
    monkeypatch: pytest.MonkeyPatch, memo_size: int
) -> None:
    monkeypatch.setattr(lexicon, "MEMO_TOKENS", memo_size)
    m = Matcher(parse_rules([("chunks.yaml", RULES)]), compiled=False)
    lex = m.lexicon
    pool = [*WORDS, "", "😀", "a\u2020b"]
    for i in range(300):
        parts = [pool[(i * 7 + j * j) % len(pool)] for j in range(i % 23)]
        got = lex.chunk_hits(parts)
        if any(p in ("😀", "a\u2020b") for p in parts):
            assert got is None
            continue
        assert got is not None
        for part, ids in zip(parts, got, strict=True):
            token = Tokens(part).words[0] if part else ""
            assert (ids or ()) == lex.lookup([token])[token]
        assert len(lex._chunks_seen) <= memo_size + len(pool) + 1


def test_white_space_and_the_cut_characters_only_separate() -> None:
    """`chunks` cuts at white space (str.split) and at its own list without folding: each of
    those characters must fold to nothing but spaces, or a chunk would lose a token."""
    white = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert len(white) > 20
    for c in [*white, *SEPARATOR_CHARS]:
        assert not fold_char(c).strip(" "), repr(c)
    assert chunks("«Kelvar»،\u00a0قمر…\u2003x") == ["Kelvar", "قمر", "x"]
    assert {c for c in white} <= _ENDS  # where a located chunk may end


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT, st.booleans())
def test_a_title_and_text_are_cut_as_when_cut_apart(title: str, text: str, pair: bool) -> None:
    """`chunk_pair` cuts both at once around a marker; a text holding the marker is cut
    apart instead."""
    if pair:
        title, text = f"{title}\uffff", f"\uffff{text}\uffff"
    head = chunks(title)
    assert chunk_pair(title, text) == (head + chunks(text), len(head))


def test_evidence_and_matches_built_at_once_are_the_dataclasses() -> None:
    fast = _evidence("text", 3, 9, "Kelvar", "kelvar")
    slow = Evidence("text", 3, 9, "Kelvar", "kelvar")
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert dataclasses.asdict(fast) == dataclasses.asdict(slow)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.start = 4  # type: ignore[misc]
    fast_match = _match_of("entity", "kelvar", (fast,))
    slow_match = Match("entity", "kelvar", (slow,))
    assert fast_match == slow_match and hash(fast_match) == hash(slow_match)
    assert repr(fast_match) == repr(slow_match)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast_match.id = "other"  # type: ignore[misc]
