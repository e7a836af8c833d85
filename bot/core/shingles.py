"""Near-duplicate fingerprints: one-permutation MinHash over word shingles.

A republished wire story keeps most of its word sequences even with a new headline or a
trimmed paragraph, while two outlets writing independently share almost none. The Jaccard
similarity of the sets of word n-grams separates the two cases by a wide margin, so a small
estimate is enough: each shingle is hashed once (stable across runs), the hash picks
one of BINS bins and each bin keeps a byte of its smallest hash. 64 bytes per article,
one pass over the text, no per-permutation loop.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from itertools import repeat
from operator import and_
from zlib import crc32

BINS = 64
EMPTY = 0  # a bin no shingle fell into; stored values are 1..255
_NGRAM = 4
_MASK = (1 << 30) - 1
_LOW = 0 if sys.byteorder == "little" else 3
_BIN_OF_BYTE = bytes(b & (BINS - 1) for b in range(256))


def signature(words: Sequence[str], n: int = _NGRAM) -> bytes:
    """The fingerprint of a text given as its normalised words."""
    # one encode of the joined words, split back: the same bytes per word as encoding each
    return of_hashes(list(map(crc32, " ".join(words).encode().split(b" "))) if words else [], n)


def of_hashes(wh: Sequence[int], n: int = _NGRAM) -> bytes:
    """The fingerprint of a text given as the crc32 of each word's UTF-8 (bot.core.wordcodes
    keeps them), the same as `signature` of the words."""
    if len(wh) < n:
        n = max(1, len(wh))
    # n-grams as the hash of a tuple of ints: stable across runs and computed in C; kept to
    # 30 bits so the sort compares one-digit ints (its fast path)
    grams = map(hash, zip(*(wh[i:] for i in range(n)), strict=False)) if n > 1 else iter(wh)
    hs = sorted(map(and_, grams, repeat(_MASK)))
    # each hash's bin is its low 6 bits: the low byte of each, masked by a translation table;
    # a bin's smallest hash is the first of the sorted hashes to fall in it (a find in C)
    bins = array("I", hs).tobytes()[_LOW::4].translate(_BIN_OF_BYTE)
    return bytes((hs[i] >> 6) % 255 + 1 if (i := bins.find(b)) >= 0 else EMPTY for b in range(BINS))


def jaccard(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two fingerprints.

    Bins empty in either are skipped; a chance collision of the stored byte (1/255) is
    corrected for so unrelated texts estimate near zero."""
    same = valid = 0
    for x, y in zip(a, b, strict=True):
        if x and y:
            valid += 1
            same += x == y
    if valid < BINS // 4:
        return 0.0
    p = 1 / 255
    return max(0.0, (same / valid - p) / (1 - p))
