"""The compiled chunk memo (bot/core/_chunkscan.c) cuts as `chunk_pair` does, finds a chunk
whatever the string kind it was learned from, locates matches where they stand, and makes
the matcher answer exactly as the pure-Python memo does, cold, warm and across forgets.

The module is optional at install (setup.py); these tests skip, visibly, where it was not
built, and `.ci/run` fails when it was not built on the CI machine.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import lexicon
from bot.core.match import Matcher
from bot.core.normalize import SEPARATORS, chunk_pair
from bot.core.rules import parse_rules
from tests.core.test_match_chunks import _TEXT, WORDS
from tests.core.test_match_fast import RULES

chunkscan = pytest.importorskip("bot.core._chunkscan", reason="compiled chunk memo not built")
ChunkTable = chunkscan.ChunkTable

# Any characters: white space of every kind, the separators, letters of four scripts, marks,
# astral characters, the pair marker chunk_pair uses and NUL.
_CHARS = st.one_of(
    st.sampled_from([c for c in map(chr, range(0x3001)) if c.isspace()]),
    st.sampled_from(list(SEPARATORS)),
    st.sampled_from(list("قمرنجوeéßﻻКёж\u064b\u0640\u200c\u200d😀𝔸\uffff\x00ab")),
    st.characters(),
)
_ANY = st.lists(_CHARS, max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(_ANY, _ANY)
def test_an_empty_table_returns_every_chunk_as_chunk_pair_cuts(title: str, text: str) -> None:
    got = ChunkTable(SEPARATORS).scan(title, text)
    assert got is not None
    head, where, pairs, unknown = got
    assert (unknown, head) == chunk_pair(title, text)
    assert where == {} and pairs == []


@settings(max_examples=300, deadline=None)
@given(_ANY, _ANY, st.data())
def test_matching_chunks_are_located_where_they_stand(title: str, text: str, data: object) -> None:
    parts, head = chunk_pair(title, text)
    assert isinstance(data, st.DataObject)
    chosen = data.draw(st.sets(st.sampled_from(parts))) if parts else set()
    table = ChunkTable(SEPARATORS)
    table.learn(parts, {p: (i,) for i, p in enumerate(sorted(chosen))})
    got = table.scan(title, text)
    assert got is not None
    head2, where, pairs, unknown = got
    assert head2 == head and unknown == []
    ids = {p: (i,) for i, p in enumerate(sorted(chosen))}
    assert pairs == [(k, ids[p]) for k, p in enumerate(parts) if p in chosen]
    cursor = {0: 0, 1: 0}  # each field's chunks, in order, by a plain search
    for k, (pos, chunk) in where.items():
        field = title if k < head else text
        assert chunk == parts[k] and field[pos : pos + len(chunk)] == chunk
        assert pos >= cursor[k >= head]
        cursor[k >= head] = pos + len(chunk)


def test_a_chunk_is_found_whatever_string_kind_holds_it() -> None:
    """CPython stores a string in 1, 2 or 4 bytes a character by its widest one; a chunk
    learned from an ASCII text is the same chunk inside an Arabic or an emoji text."""
    table = ChunkTable(SEPARATORS)
    table.learn(["kelvar", "قمر", "x😀"], {"kelvar": (1,), "قمر": (2,), "x😀": (3,)})
    for text in ("kelvar", "قمر kelvar", "😀 kelvar", "kelvar قمر x😀"):
        got = table.scan("", text)
        assert got is not None
        _, where, pairs, unknown = got
        assert unknown == [c for c in text.split() if c not in ("kelvar", "قمر", "x😀")]
        assert [where[k][1] for k, _ in pairs] == [c for c in text.split() if c != "😀"]


def test_an_irregular_chunk_stops_the_scan() -> None:
    table = ChunkTable(SEPARATORS)
    table.add("½", False)
    assert table.scan("kelvar", "a ½ b") is None
    assert table.scan("½", "") is None
    got = table.scan("kelvar", "a b")
    assert got is not None and got[3] == ["kelvar", "a", "b"]


def test_the_table_grows_and_forgets() -> None:
    table = ChunkTable(SEPARATORS)
    words = [f"w{i}" for i in range(50_000)]
    table.learn(words, {w: (i,) for i, w in enumerate(words) if i % 7 == 0})
    table.add("w7", (70,))  # a second add replaces the value
    assert len(table) == 50_000
    assert table.get("w0") == (0,) and table.get("w7") == (70,) and table.get("w1") is None
    with pytest.raises(KeyError):
        table.get("w50000")
    table.clear()
    assert len(table) == 0
    assert table.scan("w0", "w7")[3] == ["w0", "w7"]  # type: ignore[index]


def test_references_are_kept_and_given_back() -> None:
    """Each value the table holds, and each one a scan hands out, is counted: nothing leaks
    and nothing is freed while held."""
    ids = tuple(range(1000, 1003))  # a fresh tuple: no other owner
    table = ChunkTable(SEPARATORS)
    before = sys.getrefcount(ids)
    table.add("kelvar", ids)
    assert sys.getrefcount(ids) == before + 1
    results = [table.scan("kelvar", "kelvar x") for _ in range(100)]
    assert sys.getrefcount(ids) == before + 1 + 200
    del results
    assert sys.getrefcount(ids) == before + 1
    table.clear()
    assert sys.getrefcount(ids) == before


def test_bad_use_is_an_error() -> None:
    table = ChunkTable(SEPARATORS)
    with pytest.raises(TypeError):
        table.add(b"kelvar", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        table.learn(["kelvar", 3], {})  # type: ignore[list-item]
    with pytest.raises(ValueError, match="outside the BMP"):
        ChunkTable("😀")
    with pytest.raises(RuntimeError, match="not initialised"):
        ChunkTable.__new__(ChunkTable).scan("a", "b")


# The matcher on both memos: the same answers, evidence included, cold and warm, with the memo
# overflowing (a tiny MEMO_TOKENS forgets often) and with chunks that take the token path.
_RULES = parse_rules([("chunks.yaml", RULES)])


@pytest.mark.parametrize("memo_size", [5, 60, 200_000])
def test_the_compiled_memo_answers_as_the_python_one(
    monkeypatch: pytest.MonkeyPatch, memo_size: int
) -> None:
    monkeypatch.setattr(lexicon, "MEMO_TOKENS", memo_size)
    compiled, pure = Matcher(_RULES, compiled=True), Matcher(_RULES, compiled=False)
    pool = [*WORDS, "½", "😀", "Straße"]
    for i in range(400):
        words = [pool[(i * 7 + j * j) % len(pool)] for j in range(i % 29)]
        title, text = " ".join(words[:3]), "، ".join(words[3:])
        assert compiled.match(title, text) == pure.match(title, text)
    assert len(compiled.lexicon._table or ()) <= memo_size + len(pool) + 1  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT)
def test_compiled_and_python_memos_agree_on_any_text(title: str, text: str) -> None:
    assert _COMPILED.match(title, text) == _PURE.match(title, text)


_COMPILED = Matcher(_RULES, compiled=True)
_PURE = Matcher(_RULES, compiled=False)
