"""Compact storage of the articles in the story window, with inverted indexes.

A million articles must fit in well under a gigabyte, so nothing is kept per article as a
Python object except one small interned tuple of entity ids: every other feature lives in
flat typed arrays indexed by the article's slot (its sequence number minus the first live
one), and each posting list is an array of sequence numbers in arrival order.
Expired articles are marked dead, skipped wherever they are met, and trimmed off the front
of the arrays and posting lists once the oldest ones are gone; a posting list nobody reads
keeps its dead head until the periodic sweep.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from bot.core.events import MAX_NUMBERS, STRONG
from bot.core.shingles import BINS

DEAD = -1
WEIGHT_SCALE = 65535  # term weights are stored as uint16 fractions of 1


class DocTable:
    """Per-article features by sequence number, plus term and entity posting lists."""

    def __init__(self, top_terms: int) -> None:
        self.k = top_terms
        self.base = 0  # sequence number of slot 0
        self.next = 0  # sequence number of the next article
        self.live = 0
        self.article = array("q")
        self.story = array("q")
        self.time = array("d")  # seen_at, POSIX seconds
        self.lang = array("H")  # interned language code
        self.source = array("I")  # interned source id
        self.terms = array("I")  # k term ids per slot, 0 = padding
        self.weights = array("H")  # k weights per slot, unit vector scaled by WEIGHT_SCALE
        self.sigs = bytearray()  # BINS bytes per slot
        self.entities: list[tuple[int, ...]] = []
        self.lead = array("I")  # bit i: entities[slot][i] is named in the lead
        self.kinds = array("I")  # action families named anywhere (bot.core.events)
        self.lead_kinds = array("I")  # ... in the title or first sentence
        self.numbers = array("I")  # MAX_NUMBERS hashed figures per slot, 0 = padding
        self.term_postings: dict[int, array[int]] = {}
        self.entity_postings: dict[int, array[int]] = {}
        self.number_postings: dict[int, array[int]] = {}  # strong figures only
        self.term_df: dict[int, int] = {}
        self.entity_df: dict[int, int] = {}
        self.number_df: dict[int, int] = {}
        self._pad = array("I", [0] * top_terms)
        self._wpad = array("H", [0] * top_terms)
        self._npad = array("I", [0] * MAX_NUMBERS)

    def __len__(self) -> int:
        return self.live

    def slot(self, seq: int) -> int:
        return seq - self.base

    def append(
        self,
        article_id: int,
        story_id: int,
        seen_at: float,
        lang: int,
        source: int,
        terms: Sequence[int],
        weights: Sequence[float],
        sig: bytes,
        entities: tuple[int, ...],
        lead: int = 0,
        kinds: int = 0,
        lead_kinds: int = 0,
        numbers: Sequence[int] = (),
    ) -> int:
        """Store one article and index it; returns its sequence number."""
        seq = self.next
        self.next += 1
        self.live += 1
        self.article.append(article_id)
        self.story.append(story_id)
        self.time.append(seen_at)
        self.lang.append(lang)
        self.source.append(source)
        n = min(len(terms), self.k)
        self.terms.extend(terms[:n])
        self.terms.extend(self._pad[: self.k - n])
        self.weights.extend(round(w * WEIGHT_SCALE) for w in weights[:n])
        self.weights.extend(self._wpad[: self.k - n])
        self.sigs.extend(sig if len(sig) == BINS else bytes(BINS))
        self.entities.append(entities)
        self.lead.append(lead)
        self.kinds.append(kinds)
        self.lead_kinds.append(lead_kinds)
        m = min(len(numbers), MAX_NUMBERS)
        self.numbers.extend(numbers[:m])
        self.numbers.extend(self._npad[: MAX_NUMBERS - m])
        for t in terms[:n]:
            self._post(self.term_postings, self.term_df, t, seq)
        for e in entities:
            self._post(self.entity_postings, self.entity_df, e, seq)
        for x in numbers[:m]:
            if x & STRONG:
                self._post(self.number_postings, self.number_df, x, seq)
        return seq

    @staticmethod
    def _post(postings: dict[int, array[int]], df: dict[int, int], key: int, seq: int) -> None:
        lst = postings.get(key)
        if lst is None:
            postings[key] = lst = array("I")
        lst.append(seq)
        df[key] = df.get(key, 0) + 1

    def kill(self, seq: int) -> int:
        """Mark an article expired and forget its statistics; returns its story id."""
        slot = seq - self.base
        story = self.story[slot]
        if story == DEAD:
            return DEAD
        self.story[slot] = DEAD
        self.live -= 1
        start = slot * self.k
        for t in self.terms[start : start + self.k]:
            if t:
                self._unpost(self.term_df, t)
        for e in self.entities[slot]:
            self._unpost(self.entity_df, e)
        for x in self.figures(slot):
            if x & STRONG:
                self._unpost(self.number_df, x)
        self.entities[slot] = ()
        return story

    @staticmethod
    def _unpost(df: dict[int, int], key: int) -> None:
        left = df[key] - 1
        if left:
            df[key] = left
        else:
            del df[key]

    def tail(self, postings: dict[int, array[int]], key: int, cap: int) -> array[int]:
        """The newest `cap` sequence numbers posted under `key` (dead ones included)."""
        lst = postings.get(key)
        if lst is None:
            return array("I")
        if lst and lst[0] < self.base:
            del lst[: bisect_left(lst, self.base)]
        return lst[-cap:]

    def figures(self, slot: int) -> array[int]:
        """The hashed figures of the article in `slot` (padding included)."""
        return self.numbers[slot * MAX_NUMBERS : (slot + 1) * MAX_NUMBERS]

    def sig(self, seq: int) -> bytes:
        start = (seq - self.base) * BINS
        return bytes(self.sigs[start : start + BINS])

    def trim(self, min_run: int = 1024) -> None:
        """Drop the dead front of the arrays once it is long enough to be worth a copy."""
        n = 0
        story = self.story
        while n < len(story) and story[n] == DEAD:
            n += 1
        if n < min_run and n < len(story):
            return
        for arr in (
            self.article,
            self.story,
            self.time,
            self.lang,
            self.source,
            self.lead,
            self.kinds,
            self.lead_kinds,
        ):
            del arr[:n]
        del self.numbers[: n * MAX_NUMBERS]
        del self.terms[: n * self.k]
        del self.weights[: n * self.k]
        del self.sigs[: n * BINS]
        del self.entities[:n]
        self.base += n

    def sweep(self) -> None:
        """Trim every posting list's dead head and drop lists left empty."""
        for postings, df in (
            (self.term_postings, self.term_df),
            (self.entity_postings, self.entity_df),
            (self.number_postings, self.number_df),
        ):
            for key in list(postings):
                lst = postings[key]
                if key not in df:
                    del postings[key]
                elif lst[0] < self.base:
                    del lst[: bisect_left(lst, self.base)]

    def live_seqs(self) -> Iterable[int]:
        for slot, story in enumerate(self.story):
            if story != DEAD:
                yield slot + self.base
