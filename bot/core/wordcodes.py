"""Everything story grouping needs of one word, found with one dictionary lookup.

An article's features read each of its few hundred words three times: for its stem's term
id (TF-IDF terms), for its hash (the shingle fingerprint, bot.core.shingles) and for the
action families it names (bot.core.events). Once a word has been met, one C-level lookup
gives a single int holding all three, and C-level maps take them apart:

    code = term id << TERM_SHIFT | action bits << KIND_SHIFT | crc32 of the word's UTF-8

The answers are those of stemming the word, `zlib.crc32(word.encode())` and
`ACTIONS.kinds([word])`: only the work is shared.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from itertools import compress, repeat
from operator import and_, is_, or_, rshift
from zlib import crc32

from bot.core.events import ACTIONS, FAMILY_BITS
from bot.core.stem import stems

KIND_SHIFT = 32
TERM_SHIFT = KIND_SHIFT + FAMILY_BITS
LOW = (1 << 32) - 1  # the word's hash
KIND_MASK = (1 << FAMILY_BITS) - 1  # (shifted) the action families it names
CACHE_MAX = 500_000


def terms(codes: Iterable[int]) -> Iterable[int]:
    """The term id in each code (0: a stopword or a token too short to mean anything)."""
    return map(rshift, codes, repeat(TERM_SHIFT))  # a C function: no method wrapper


def hashes(codes: Iterable[int]) -> Iterable[int]:
    """The word hash in each code, as `bot.core.shingles.signature` hashes words."""
    return map(and_, codes, repeat(LOW))


def kinds(codes: Iterable[int]) -> int:
    """The action families any of the coded words names."""
    return reduce(or_, codes, 0) >> KIND_SHIFT & KIND_MASK


class WordCodes:
    """Term ids for stems (never reused, so ids stay valid while the vocabulary is pruned)
    and a memo of each word's code, emptied when it grows past `cache_max`."""

    def __init__(self, cache_max: int = CACHE_MAX) -> None:
        self.vocab: dict[str, int] = {}  # stem → term id
        self.next_term = 0
        self.cache: dict[str, int] = {}  # normalised word → its code
        self.cache_max = cache_max

    def codes(self, words: list[str]) -> list[int]:
        """The code of each word, in order."""
        cache = self.cache
        out = list(map(cache.get, words))
        if out.count(None):  # a scan in C (`None in out` compares each item in turn)
            if len(cache) > self.cache_max:
                cache.clear()
            # only the words never met, in text order (term ids are numbered in text order)
            new = list(dict.fromkeys(compress(words, map(is_, out, repeat(None)))))
            named = ACTIONS.named(new)
            vocab = self.vocab
            fresh: dict[str, int] = {}
            for w, s in zip(new, stems(new), strict=True):
                tid = vocab.get(s, 0) if s else 0
                if s and not tid:
                    self.next_term += 1
                    tid = vocab[s] = self.next_term
                bits = named.get(w, 0)
                fresh[w] = tid << TERM_SHIFT | bits << KIND_SHIFT | crc32(w.encode())
            cache.update(fresh)
            out = list(map(fresh.get, words, out))  # the small dict, not the memo again
        return out  # type: ignore[return-value]  # every None replaced above

    def kinds(self, words: list[str]) -> int:
        """The action families named by any of `words`, without coding the words not met
        yet (a lead cut mid-word must not number a stem)."""
        got = list(map(self.cache.get, words))
        bits = kinds(filter(None, got))
        if got.count(None):
            bits |= ACTIONS.kinds(compress(words, map(is_, got, repeat(None))))
        return bits

    def forget(self, keep: Iterable[int]) -> None:
        """Drop the stems whose term ids are not in `keep`, and the memo that may name them."""
        live = keep if isinstance(keep, (set, frozenset, dict)) else set(keep)
        self.vocab = {s: i for s, i in self.vocab.items() if i in live}
        self.cache.clear()
