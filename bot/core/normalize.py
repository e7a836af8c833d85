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
from dataclasses import dataclass
from functools import cache

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
        base = "".join(
            c for c in unicodedata.normalize("NFD", f) if unicodedata.category(c) != "Mn"
        )
        if not base:
            out.append(DROP)
        elif all(c.isalnum() for c in base):
            out.append(base)
        else:
            out.append(" ")
    return "".join(out) or DROP


class _Table(dict[int, str]):
    """str.translate table filled on first sight of each code point."""

    def __missing__(self, key: int) -> str:
        value = fold_char(chr(key))
        if len(value) != 1:
            raise _Expands
        self[key] = value
        return value


class _Expands(Exception):
    """A character folds to several: the text needs the slow path."""


_TABLE = _Table()
_TOKEN_RE = re.compile(r"[^ ]+")


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # normalised
    start: int  # offsets into the original string
    end: int


def fold(text: str) -> tuple[str, list[int] | None]:
    """Folded text and, when lengths differ, each folded index's original index."""
    try:
        return text.translate(_TABLE), None
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


def tokenize(text: str) -> list[Token]:
    """Normalised tokens with their spans in `text`."""
    folded, origin = fold(text)
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(folded):
        raw = m.group()
        word = raw.replace(DROP, "")
        if not word:
            continue
        start = m.start() + (len(raw) - len(raw.lstrip(DROP)))
        end = m.end() - (len(raw) - len(raw.rstrip(DROP)))
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        tokens.append(Token(word, start, end))
    return tokens


def words(text: str) -> list[str]:
    """The normalised tokens of `text`, in order: `[t.text for t in tokenize(text)]`, faster."""
    folded, _ = fold(text)
    return folded.replace(DROP, "").split()


def spans(text: str) -> list[tuple[int, int]]:
    """Original-text spans of the tokens `words(text)` returns, index for index."""
    return [(t.start, t.end) for t in tokenize(text)]


def normalize(text: str) -> str:
    """Normalised tokens joined by single spaces: for indexing, comparing and rule terms."""
    folded, _ = fold(text)
    return " ".join(t for t in folded.replace(DROP, "").split(" ") if t)
