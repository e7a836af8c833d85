"""Making untrusted article text safe and readable inside the bot's messages.

Every title, lead, outlet name and tag comes from someone else's website. Before any
renderer escapes it for its markup, it passes through here: control and bidi-override
characters removed (an unbalanced U+202E reverses everything after it), mentions made inert
(`@here` gets a word joiner after the @), lengths capped at a word boundary, and mixed-
direction pieces wrapped in Unicode isolates so an Arabic outlet name cannot reorder the
Latin text beside it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

# LRE RLE PDF LRO RLO and LRI RLI FSI PDI: overrides/embeddings/isolates from the input are
# dropped; the renderers add their own balanced isolates. LRM/RLM and ZWNJ/ZWJ are kept:
# Persian spelling needs ZWNJ, and marks cannot leak past their paragraph.
BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A)],
    None,
)
FSI, PDI, LRM, RLM = "\u2068", "\u2069", "\u200e", "\u200f"
WORD_JOINER = "\u2060"
ELLIPSIS = "…"
_MENTION = re.compile(r"@(?=[\w])")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2028\u2029]+")
_SENTENCE_END = re.compile(r"(?<=[.!?؟۔。])\s+")
MAX_URL = 2000


def clean(text: str, *, single_line: bool = True) -> str:
    """Strip bidi controls, control characters and lone surrogates; squeeze whitespace."""
    text = text.translate(BIDI_CONTROLS)
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates become '?'
    out = []
    for ch in text:
        if ch == "\n":
            out.append(" " if single_line else "\n")
        elif unicodedata.category(ch) == "Cc":
            out.append(" ")
        else:
            out.append(ch)
    joined = _SPACE.sub(" ", "".join(out))
    lines = [line.strip() for line in joined.split("\n")]
    return "\n".join(line for line in lines if line)


def inert(text: str) -> str:
    """Mentions (`@here`, `@channel`, `@user`) no longer parse as mentions anywhere."""
    return _MENTION.sub("@" + WORD_JOINER, text)


def shorten(text: str, limit: int, cost: Callable[[str], int] = len) -> str:
    """At most `limit` by `cost` (e.g. escaped length), cut at a word boundary with an ellipsis."""
    if cost(text) <= limit:
        return text
    budget = limit - cost(ELLIPSIS)
    total, end = 0, 0
    for i, ch in enumerate(text):
        total += cost(ch)
        if total > budget:
            break
        end = i + 1
    cut = text[:end]
    space = cut.rfind(" ")
    if space > end * 0.6:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def lead(text: str, limit: int = 320) -> str:
    """The first one or two sentences, within `limit` characters."""
    text = clean(text)
    sentences = _SENTENCE_END.split(text)
    first = " ".join(sentences[:2])
    if len(first) > limit:
        first = sentences[0]
    return shorten(first, limit)


def isolate(text: str) -> str:
    """Wrap a piece of text so its direction cannot disturb its neighbours (UAX #9 FSI/PDI)."""
    return f"{FSI}{text}{PDI}" if text else text


def safe_url(url: str) -> str | None:
    """An http(s) URL fit for a link, or None (javascript:, data:, garbage, too long)."""
    url = url.strip()
    if not url or len(url) > MAX_URL or any(c.isspace() or ord(c) < 0x20 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def within(pieces: list[str], budget: int, sep: int = 3) -> list[str]:
    """The leading pieces whose total length (with separators) stays within `budget`."""
    kept: list[str] = []
    for piece in pieces:
        budget -= len(piece) + sep
        if budget < 0:
            break
        kept.append(piece)
    return kept
