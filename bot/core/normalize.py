"""One normalisation for article text and rule terms, with offsets back to the original.

Rules and text meet only after the same folding, so an alias written آشتياني finds أشتياني
and وزیر (Persian ye) finds وزير. The folding is one character in, one character out, so a
token's span in the normalised string is its span in the original text; the rare characters
that fold to several (ligatures such as ﻻ, ß) go through a slower path that keeps a map.

Folding, in order: Arabic letters by table (hamza forms of alef → ا, ى → ي, ة → ه,
Persian ی → ي and ک → ك; tashkeel, superscript alef and tatweel dropped), Arabic-Indic and
Persian digits → ASCII, NFKC, case folding, Latin accents removed, Cyrillic ё → е. Anything
that is not a letter or digit separates tokens; the zero-width non-joiner does too.

`words()` is the matcher's fast path: the normalised tokens without offsets, all in C
(translate, replace, split); `spans()` gives the offsets of the same tokens, in the same
order, only when the matcher needs evidence.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, compress

DROP = "\x00"  # placeholder for a dropped character: keeps offsets, joins its neighbours

_ARABIC_LETTERS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ی": "ي",  # Persian ye
    "ې": "ي",
    "ۍ": "ي",
    "ے": "ي",
    "ة": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "ہ": "ه",
    "ۂ": "ه",
    "ھ": "ه",
    "ک": "ك",  # Persian kaf
    "ڪ": "ك",
}
_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {
    chr(0x06F0 + i): str(i) for i in range(10)
}
_DROPPED = (
    {chr(c) for c in range(0x064B, 0x0660)}  # tashkeel
    | {"\u0670", "\u0640", "\u200d", "\u00ad", "\u200e", "\u200f"}  # superscript alef, tatweel, ZWJ
    | {chr(c) for c in range(0x06D6, 0x06EE) if unicodedata.category(chr(c)) == "Mn"}
)
_SEPARATORS = {"\u200c"}  # zero-width non-joiner: Persian compounds are two tokens


@cache
def fold_char(ch: str) -> str:
    """The folded form of one character: usually one character, DROP, or a space."""
    if ch in _DROPPED:
        return DROP
    if ch in _SEPARATORS:
        return " "
    if ch in _ARABIC_LETTERS:
        return _ARABIC_LETTERS[ch]
    if ch in _DIGITS:
        return _DIGITS[ch]
    if "\u0600" <= ch <= "\u06ff":
        return ch if ch.isalnum() else (DROP if unicodedata.category(ch) == "Mn" else " ")
    folded = unicodedata.normalize("NFKC", ch).casefold()
    if not folded:
        return DROP
    out = []
    for f in folded:
        if f in _ARABIC_LETTERS or f in _DIGITS:
            out.append(_ARABIC_LETTERS.get(f) or _DIGITS[f])
            continue
        if f == "ё":
            out.append("е")
            continue
        if "\u0400" <= f <= "\u04ff" or "\u0600" <= f <= "\u06ff":
            out.append(f if f.isalnum() else " ")
            continue
        nfd = unicodedata.normalize("NFD", f)
        marks = [c for c in nfd if unicodedata.category(c) == "Mn"]
        base = "".join(c for c in nfd if unicodedata.category(c) != "Mn") if marks else f
        if not base:
            out.append(DROP)
        elif all(c.isalnum() for c in base):
            out.append(base)
        else:
            out.append(" ")
    return "".join(out) or DROP


class _Expands(Exception):
    """A character folds to several: the text needs the slow path."""


def _scan_changes() -> dict[str, str]:
    """Characters whose fold differs from themselves, in the ranges where such characters
    live (decomposable, combining, Arabic, punctuation)."""
    out: dict[str, str] = {}
    for cp in (*range(0x80, 0x20000), *range(0xE0000, 0xE0200)):
        if 0xD800 <= cp <= 0xDFFF or 0xAC00 <= cp <= 0xD7A3:  # surrogates; Hangul: fixed
            continue
        ch = chr(cp)
        interesting = (
            unicodedata.decomposition(ch)
            or unicodedata.category(ch) in ("Mn", "Cf", "Zs", "Zl", "Zp")
            or 0x0600 <= cp <= 0x08FF
            or 0x2000 <= cp <= 0x2E7F
            or 0x3000 <= cp <= 0x303F
            or 0xA0 <= cp <= 0xBF
            or ch in "ё"
        )
        if interesting:
            folded = fold_char(ch)
            if folded != ch:
                out[ch] = folded
    return out


def _char_class(chars: list[str]) -> str:
    """A regex character class of `chars`, as ranges."""
    points = sorted(ord(c) for c in chars)
    ranges: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        lo, hi = chr(points[i]), chr(points[j])
        ranges.append(re.escape(lo) if i == j else f"{re.escape(lo)}-{re.escape(hi)}")
        i = j + 1
    return "[" + "".join(ranges) + "]"


_CHANGES = _scan_changes()
# Two classes: sre tests a class of BMP characters against a bitmap, fast; a class that also
# holds astral ranges is searched range by range, a hundred times slower on every text.
_CHANGE_RE = re.compile(_char_class([c for c in _CHANGES if c <= "\uffff"]))
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_CHANGE_RE = re.compile(_char_class([c for c in _CHANGES if c > "\uffff"]))
# The frequent ones go through str.replace, which is much faster than a regex callback.
_CHAIN = tuple(
    (a, b)
    for a, b in (
        *_ARABIC_LETTERS.items(),
        *{c: " " for c in "\x00\n\t\r.,;:!?()[]{}\"'«»-–—/\\|،؛؟…“”‘’*#@&%+=<>~^`$_\u200c"}.items(),
    )
    if fold_char(a) == b
)
_NON_WORD_RE = re.compile(r"[^\w\x00]|_")


def _change(m: re.Match[str]) -> str:
    folded = _CHANGES[m.group()]
    if len(folded) != 1:
        raise _Expands
    return folded


def _fold_fast(text: str, chain: tuple[tuple[str, str], ...] = _CHAIN) -> str:
    """`fold` for text whose every character folds to one: C-level string methods only.
    `chain`: the replacements to make (fewer for text known to hold no separator)."""
    if text.isascii():
        s = text.lower()
    else:
        if not unicodedata.is_normalized("NFKC", text):
            raise _Expands
        s = text.casefold()
        if len(s) != len(text):
            raise _Expands
    for a, b in chain:
        s = s.replace(a, b)
    if not s.isascii():
        if _CHANGE_RE.search(s):
            s = _CHANGE_RE.sub(_change, s)
        if _astral(s) and _ASTRAL_RE.search(s):
            s = _ASTRAL_CHANGE_RE.sub(_change, s)
    return s


def _astral(text: str) -> bool:
    """Whether `text` may hold a character beyond U+FFFF: in UTF-16 each of those takes four
    bytes, the rest two. The encoder copies in C, ten times faster than the regex search."""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def _separate(folded: str) -> str:
    """Anything left that is not a letter, digit or DROP becomes a separator."""
    return _NON_WORD_RE.sub(" ", folded)


def fold(text: str) -> tuple[str, list[int] | None]:
    """Folded text (separators as spaces, dropped characters as DROP; a rare separator the
    fast path does not know may remain, see `Tokens`) and, when lengths differ, each folded
    index's original index."""
    try:
        return _fold_fast(text), None
    except _Expands:
        pass
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = fold_char(ch)
        out.append(folded)
        origin.extend([i] * len(folded))
    origin.append(len(text))
    return "".join(out), origin


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # normalised
    start: int  # offsets into the original string
    end: int


class Tokens:
    """The normalised tokens of a text; their original spans are worked out on demand."""

    def __init__(self, text: str) -> None:
        self.folded, self._origin = fold(text)
        self._parts = self.folded.split(" ")
        words = list(filter(None, self._parts))
        joined = "".join(words)
        if DROP in joined:
            joined = joined.replace(DROP, "")
            words = " ".join(words).replace(DROP, "").split(" ")
        if joined and not joined.isalnum():  # a rare separator the fast fold left in place
            self.folded = _separate(self.folded)
            self._parts = self.folded.split(" ")
            words = list(filter(None, self._parts))
            if DROP in self.folded:
                words = " ".join(words).replace(DROP, "").split(" ")
        self.words = words
        self._starts: list[int] | None = None
        self._index: list[int] | None = None

    def count_before(self, offset: int) -> int:
        """How many tokens lie wholly before `offset` of the original text, given that a
        separator stands at `offset` (the matcher joins title and text with a newline)."""
        cut = offset if self._origin is None else bisect_left(self._origin, offset)
        return len(self.folded[:cut].split())

    def span(self, i: int) -> tuple[int, int]:
        """Offsets in the original text of token `i` (dropped marks at its edges excluded)."""
        if self._starts is None or self._index is None:
            self._starts = list(accumulate(map(len, self._parts), initial=0))
            self._index = list(compress(range(len(self._parts)), self._parts))
        k = self._index[i]
        raw = self._parts[k]
        start = self._starts[k] + k
        end = start + len(raw)
        if DROP in raw:
            start += len(raw) - len(raw.lstrip(DROP))
            end -= len(raw) - len(raw.rstrip(DROP))
        if self._origin is not None:
            return self._origin[start], self._origin[end - 1] + 1
        return start, end


def words(text: str) -> list[str]:
    """The normalised tokens of `text`, in order (may hold "" for a token of dropped marks)."""
    return Tokens(text).words


def tokenize(text: str) -> list[Token]:
    """Normalised tokens with their spans in `text`."""
    toks = Tokens(text)
    return [Token(w, *toks.span(i)) for i, w in enumerate(toks.words) if w]


def spans(text: str) -> list[tuple[int, int]]:
    """Original-text spans of the tokens `words(text)` returns, index for index."""
    toks = Tokens(text)
    return [toks.span(i) for i in range(len(toks.words))]


def split_words(text: str) -> list[str]:
    """`normalize(text).split()` without building the joined string and splitting it again:
    the non-empty normalised tokens (none holds a space: they are letters and digits)."""
    return list(filter(None, Tokens(text).words))


def normalize(text: str) -> str:
    """Normalised tokens joined by single spaces: for indexing, comparing and rule terms."""
    return " ".join(filter(None, words(text)))


# Characters that only ever separate tokens (their fold is nothing but spaces) and are common
# in news text, besides white space (str.split cuts at that, and all of it folds to spaces).
_COMMON_SEPARATORS = tuple(
    c
    for c in "\x00.,;:!?()[]{}\"'«»-–—/\\|،؛؟…“”‘’*#@&%+=<>~^`$_\u200b\u200c"
    if not fold_char(c).strip(" ")
)
SEPARATOR_CHARS = frozenset(_COMMON_SEPARATORS)
SEPARATORS = "".join(_COMMON_SEPARATORS)  # for bot.core._chunkscan, which cuts as `chunks`
_LETTER_CHAIN = tuple((a, b) for a, b in _CHAIN if a not in SEPARATOR_CHARS and not a.isspace())


def chunks(text: str) -> list[str]:
    """`text` cut at white space and at its common separators, without folding: each piece
    (a chunk) is usually exactly one token (see `fold_chunks`), and the matcher remembers
    chunks, so most of an article's text is never folded again."""
    for c in _COMMON_SEPARATORS:
        text = text.replace(c, " ")
    return text.split()


_PAIR = "\uffff"  # a non-character: not a separator, and not in text worth matching


def chunk_pair(first: str, second: str) -> tuple[list[str], int]:
    """`chunks(first) + chunks(second)` and how many of them come from `first`, cut in one
    pass over both (the cut is a loop over the separators: one loop, not two)."""
    if _PAIR in first or _PAIR in second:
        head = chunks(first)
        return head + chunks(second), len(head)
    parts = chunks(f"{first} {_PAIR} {second}")
    k = parts.index(_PAIR)
    del parts[k]
    return parts, k


def fold_joined(parts: list[str]) -> str | None:
    """The fold of `" ".join(parts)` (DROP kept) when each of `parts` folds character for
    character into exactly one token, so that its i-th space-separated piece is part i's
    fold; else None (see `fold_chunks`)."""
    joined = " ".join(parts)
    try:  # chunks hold none of the separators `_CHAIN` replaces
        folded, origin = _fold_fast(joined, _LETTER_CHAIN), None
    except _Expands:
        folded, origin = fold(joined)
    if origin is not None and len(folded) != len(joined):
        return None
    rest = folded.replace(" ", "").replace(DROP, "")
    if rest and not rest.isalnum():
        folded = _separate(folded)
    return folded if folded.count(" ") == len(parts) - 1 else None


def fold_chunks(parts: list[str]) -> list[str | None]:
    """For each non-empty chunk, its fold with DROP kept (the token is that without DROP) when
    it folds character for character into exactly one token; None when it holds several
    tokens, none, or a character that folds to several (those take `Tokens`). Folded in
    batches: one batch when all are single tokens, halves around the few that are not."""
    if not parts:
        return []
    folded = fold_joined(parts)
    if folded is not None:
        return list(folded.split(" "))
    if len(parts) == 1:
        return [None]
    half = len(parts) // 2
    return fold_chunks(parts[:half]) + fold_chunks(parts[half:])
