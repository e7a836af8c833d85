"""Compact storage of the articles in the story window, with inverted indexes.

A million articles must fit in well under a gigabyte, so nothing is kept per article as a
Python object: every feature lives in flat typed arrays indexed by the article's slot (its
sequence number minus the first live one), the entity ids of all articles one after another
in one array, and each posting list is an array of sequence numbers in arrival order.
Readers only ever ask a posting list for its newest `keep` entries, so a list keeps no more
than twice that many (older ones are cut off as it grows). Document frequencies of terms
are an array indexed by term id (ids are numbered densely from 1), beside their ln(1 + df)
for the IDF: a lookup reads a few bytes instead of a dictionary entry and an int object.
Expired articles are marked dead, skipped wherever they are met, and trimmed off the front
of the arrays and posting lists once the oldest ones are gone; a posting list nobody reads
keeps its dead head until the periodic sweep.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from math import log
from operator import mul

from bot.core.events import MAX_NUMBERS, STRONG
from bot.core.shingles import BINS

DEAD = -1
WEIGHT_SCALE = 65535  # term weights are stored as uint16 fractions of 1


class DocTable:
    """Per-article features by sequence number, plus term and entity posting lists."""

    def __init__(self, top_terms: int, keep: int = 1 << 30) -> None:
        self.k = top_terms
        self.keep = keep  # the most entries `tail` is asked for
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
        self.entity_ids = array("I")  # every slot's entity ids, one slot after another
        self.entity_at = array("Q")  # where the slot's ids start (counted from the first ever)
        self.entity_n = array("H")  # how many it has (0 once the article is expired)
        self.entity_base = 0  # the count of ids trimmed off the front of entity_ids
        self.lead = array("I")  # bit i: entities[slot][i] is named in the lead
        self.kinds = array("Q")  # action families named anywhere (bot.core.events)
        self.lead_kinds = array("Q")  # ... in the title or first sentence
        self.numbers = array("I")  # MAX_NUMBERS hashed figures per slot, 0 = padding
        self.term_postings: dict[int, array[int]] = {}
        self.entity_postings: dict[int, array[int]] = {}
        self.number_postings: dict[int, array[int]] = {}  # strong figures only
        self.term_df = array("I")  # by term id: articles in the window with the term
        self.term_log = array("d")  # by term id: ln(1 + its df), for the IDF weights
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
        self.weights.extend(map(round, map(mul, weights[:n], repeat(WEIGHT_SCALE))))
        self.weights.extend(self._wpad[: self.k - n])
        self.sigs.extend(sig if len(sig) == BINS else bytes(BINS))
        self.entity_at.append(self.entity_base + len(self.entity_ids))
        self.entity_n.append(len(entities))
        self.entity_ids.extend(entities)
        self.lead.append(lead)
        self.kinds.append(kinds)
        self.lead_kinds.append(lead_kinds)
        m = min(len(numbers), MAX_NUMBERS)
        self.numbers.extend(numbers[:m])
        self.numbers.extend(self._npad[: MAX_NUMBERS - m])
        term_df, term_log = self.term_df, self.term_log
        top = max(terms[:n], default=0)
        if top >= len(term_df):
            self.grow_terms(top + 1)
        postings, keep = self.term_postings, self.keep
        for t in terms[:n]:  # _post, inline: 32 times an article
            lst = postings.get(t)
            if lst is None:
                postings[t] = lst = array("I")
            lst.append(seq)
            if len(lst) > 2 * keep:
                del lst[:-keep]
            df = term_df[t] + 1
            term_df[t] = df
            term_log[t] = log(1 + df)
        for e in entities:
            self._post(self.entity_postings, e, seq)
            self.entity_df[e] = self.entity_df.get(e, 0) + 1
        for x in numbers[:m]:
            if x & STRONG:
                self._post(self.number_postings, x, seq)
                self.number_df[x] = self.number_df.get(x, 0) + 1
        return seq

    def grow_terms(self, n: int) -> None:
        """Make room in `term_df` for term ids below `n` (zero for the new ones)."""
        more = n - len(self.term_df)
        if more > 0:
            more = max(more, len(self.term_df) // 4)
            self.term_df.frombytes(bytes(4 * more))
            self.term_log.frombytes(bytes(8 * more))  # 0.0 = ln(1 + 0)

    def _post(self, postings: dict[int, array[int]], key: int, seq: int) -> None:
        lst = postings.get(key)
        if lst is None:
            postings[key] = lst = array("I")
        lst.append(seq)
        if len(lst) > 2 * self.keep:
            del lst[: -self.keep]

    def kill(self, seq: int) -> int:
        """Mark an article expired and forget its statistics; returns its story id."""
        slot = seq - self.base
        story = self.story[slot]
        if story == DEAD:
            return DEAD
        self.story[slot] = DEAD
        self.live -= 1
        start = slot * self.k
        term_df, term_log = self.term_df, self.term_log
        for t in self.terms[start : start + self.k]:
            if t:
                term_df[t] -= 1
                term_log[t] = log(1 + term_df[t])
        for e in self.entities(slot):
            self._unpost(self.entity_df, e)
        for x in self.figures(slot):
            if x & STRONG:
                self._unpost(self.number_df, x)
        self.entity_n[slot] = 0
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
        if cap > self.keep:
            raise ValueError(f"posting lists keep {self.keep} entries, {cap} asked")
        lst = postings.get(key)
        if lst is None:
            return array("I")
        if lst and lst[0] < self.base:
            del lst[: bisect_left(lst, self.base)]
        return lst[-cap:]

    def entities(self, slot: int) -> array[int]:
        """The entity ids of the article in `slot`, in the order it gave them."""
        start = self.entity_at[slot] - self.entity_base
        return self.entity_ids[start : start + self.entity_n[slot]]

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
        end = self.entity_base + len(self.entity_ids)
        cut = (self.entity_at[n] if n < len(self.entity_at) else end) - self.entity_base
        del self.entity_ids[:cut]
        self.entity_base += cut
        del self.entity_at[:n]
        del self.entity_n[:n]
        self.base += n

    def sweep(self) -> None:
        """Trim every posting list's dead head and drop lists left empty."""
        term_df = self.term_df
        for postings, live in (
            (self.term_postings, lambda t: t < len(term_df) and term_df[t] > 0),
            (self.entity_postings, self.entity_df.__contains__),
            (self.number_postings, self.number_df.__contains__),
        ):
            for key in list(postings):
                lst = postings[key]
                if not live(key):
                    del postings[key]
                elif lst[0] < self.base:
                    del lst[: bisect_left(lst, self.base)]

    def live_terms(self) -> set[int]:
        """The ids of the terms some article in the window has."""
        return set(compress(range(len(self.term_df)), self.term_df))

    def live_seqs(self) -> Iterable[int]:
        for slot, story in enumerate(self.story):
            if story != DEAD:
                yield slot + self.base
