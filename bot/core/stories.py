"""Incremental story grouping: which open story a new article belongs to.

A story is one real-world event. Two articles share one when they report the same kind of
action by the same actors (or at the same place), close in time, not when they merely share
a name (docs/stories.md). Each candidate is judged on its own and, through `_Story`, against
its whole story: a joining article must agree with every member at once (the story's actors,
places and actions), so one shared person cannot chain an unrelated event into it.

Levels, tried on every candidate, best first:
  1. the same item (identity key, canonical URL) never gets here: the store keeps it once;
  2. "same-text": the shingle fingerprints estimate a Jaccard similarity of at least
     `near_duplicate` (wire copy, new headline, trimmed paragraph), and the event agrees
     with the story's; one outlet's own copies must be closer still (SAME_SOURCE_COPY) and
     not differ in their figures (templated price items are different events);
  3. "same-language": cosine of the lightly stemmed content words (TF-IDF, top terms only)
     plus `entity_weight` times the entity overlap reaches `similarity`, and the event's
     disagreements (below) stay under TEXT_TOLERANCE; one outlet's update needs a higher
     similarity and the full `event_score`;
  4. the event alone (across languages, or in one without alike words): the event score
     reaches `event_score`, with a shared kind of action and an anchor (a shared actor or
     place, or strong shared figures).
The event score adds what agrees: shared action families (bot.core.events), shared actors
(1 each, at most 2), shared places (0.5 each, at most 1), shared figures (1 each strong, 0.5
weak, at most 2); and takes off what disagrees: leads naming different kinds of action
(KIND_CONFLICT), a principal actor the story never mentions (NEWCOMER, or COUNTERPART when
the story's principal actors are missing from the article too; NEW_KIND more when that
newcomer's lead names an action the story never tells of), a lead place the story never
mentions (NEW_PLACE), a follow-up action (a funeral, sanctions ...) in one lead and not the
other (FOLLOW_UP), price changes whose strong figures differ (PRICE_FIGURES), places with
none in common (1.5, or 0.5 when two actors are shared), and a gap of more than a DAY
(LATER_DAY).
Every level also needs the actors to agree (both name actors and share none: different
events, however alike their words) and both articles within `window_hours` of each other.

Candidates come only from the inverted indexes: the newest `postings_cap` articles under
each of the new article's `query_terms` best terms, its two rarest actors and two rarest
strong figures (and its two rarest places when the actors bring fewer than `candidates`), so the
cost of one article does not grow with the size of the window. IDF statistics are counted
incrementally over the articles in the window, smoothed by PRIOR_DOCS empty documents so the
first few articles of a fresh index are compared on plain term frequencies.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, compress, islice, repeat
from operator import mul, truediv
from typing import NamedTuple, Protocol

from bot.core import shingles, wordcodes
from bot.core.doctable import DEAD, WEIGHT_SCALE, DocTable
from bot.core.events import (
    BITS,
    CORE_KINDS,
    DAY_MASK,
    SENTENCE_KINDS,
    STRONG,
    days_differ,
    figures_text,
    follow_up_differs,
    kind_points,
    kind_points_max,
    kinds_disagree,
    lead_marks,
    lead_words,
    number_points,
    numbers,
    rounds_differ,
    tells_toll,
)
from bot.core.normalize import split_words
from bot.core.wordcodes import WordCodes

PRIOR_DOCS = 20.0
TITLE_BOOST = 2  # a title word counts as this many body words
PLACE_WEIGHT = 0.5  # places tell where, actors tell who: a shared place counts half
_DUP_GATE = 0.3  # near-duplicates are compared on shingles only above this cosine
DAY = 24 * 3600.0  # two reports further apart than this ...
LATER_DAY = 1.0  # ... lose this many points: a later day is more often a later event
KIND_CONFLICT = 2.0  # points lost when the leads name different kinds of action
COUNTERPART = 2.0  # ... when each names a principal actor the other never mentions
NEWCOMER = 1.0  # ... when the new article's lead names an actor the story never mentions,
# or it names only one of the story's several principal actors (the minister, not the guest)
NEW_PLACE = 0.5  # ... when its lead names a place the story never mentions (the same
# minister, the same day, now with another country's guest)
SAME_SOURCE_COPY = 0.8  # one outlet's near copy must be this close (templated items are not)
SAME_SOURCE_TEXT = 1.5  # one outlet's update needs this times the text similarity
FOLLOW_UP = 2.0  # ... when one lead names a follow-up action the other does not (a funeral,
# sanctions, a resignation, an expulsion, a call: bot.core.eventwords.FOLLOW_UPS)
NEW_KIND = 1.0  # ... when a newcomer's lead names a kind of action the story never names
PRICE_FIGURES = 2.0  # ... when both leads tell a price change and their strong figures differ
# (petrol up to 3,450 and bread down to 900 on one day, in one country)
_PRICE = BITS["price"]
APART = 1.0  # ... when its lead and the story's leads name places and share none: another
# ferry sinking the same day in another country, whose report recalls the first further down
OTHER_DAY = 2.0  # ... when its lead and the story's leads name days of the week and share none
# (a minister's talks on Sunday, his arrival at a summit on Monday, which recalls the talks)
OTHER_ROUND = 2.0  # ... when they name rounds of a series and share none
CROSSED = 1.0  # ... when each lead names a place the other's leads do not and they share at
# most one (a car bomb in another city of the same country, the same day)
TEXT_TOLERANCE = 1.5  # alike words join despite disagreements worth less than this


class StoriesSettings(Protocol):
    """The `stories` section of the settings (bot.settings.StoriesSection)."""

    @property
    def window_hours(self) -> float: ...
    @property
    def near_duplicate(self) -> float: ...
    @property
    def similarity(self) -> float: ...
    @property
    def entity_weight(self) -> float: ...
    @property
    def top_terms(self) -> int: ...
    @property
    def query_terms(self) -> int: ...
    @property
    def postings_cap(self) -> int: ...
    @property
    def candidates(self) -> int: ...
    @property
    def event_score(self) -> float: ...


@dataclass(frozen=True)
class GroupingParams:
    window_hours: float = 72.0
    near_duplicate: float = 0.5
    similarity: float = 0.3
    entity_weight: float = 0.5
    top_terms: int = 32
    query_terms: int = 12
    postings_cap: int = 200
    candidates: int = 30
    event_score: float = 2.5

    @classmethod
    def from_settings(cls, s: StoriesSettings) -> GroupingParams:
        return cls(
            window_hours=s.window_hours,
            near_duplicate=s.near_duplicate,
            similarity=s.similarity,
            entity_weight=s.entity_weight,
            top_terms=s.top_terms,
            query_terms=s.query_terms,
            postings_cap=s.postings_cap,
            candidates=s.candidates,
            event_score=s.event_score,
        )


@dataclass(frozen=True)
class StoryDoc:
    article_id: int
    source_id: str
    lang: str | None
    title: str
    text: str
    seen_at: datetime
    entity_ids: frozenset[str]
    url: str
    places: frozenset[str] = frozenset()  # those of entity_ids whose kind is "place"
    lead_entities: frozenset[str] | None = None  # named in the title or first sentence (None: all)


@dataclass(frozen=True)
class Assignment:
    story_id: int | None  # None: the article starts a new story
    level: str | None  # "same-text", "same-language", "cross-language"
    score: float
    matched_article_id: int | None


@dataclass(frozen=True, slots=True)
class Features:
    """What the index keeps of one article: ids interned by the index that made them."""

    terms: tuple[int, ...]  # best first
    weights: tuple[float, ...]  # unit vector
    sig: bytes
    entities: tuple[int, ...]
    lang: int
    source: int
    seen_at: float
    lead: int = 0  # bit i: entities[i] is named in the lead
    kinds: int = 0  # action families (bot.core.events)
    lead_kinds: int = 0
    numbers: tuple[int, ...] = ()


NEW = Assignment(None, None, 0.0, None)


class StoryIndex:
    """The open stories' articles, compared incrementally against each new one."""

    def __init__(self, params: GroupingParams, quick: bool = True) -> None:
        """`quick`: cut posting lists to what is read of them and turn candidates down as
        soon as the full comparison surely would (off: the same answers, slower; for tests)."""
        self.params = params
        self.table = DocTable(params.top_terms, keep=params.postings_cap if quick else 1 << 62)
        self.quick = quick
        self.words = WordCodes()  # term ids (never reused, even after a sweep) and word memo
        self._entities: dict[str, int] = {}
        self._places: set[int] = set()
        self._langs: dict[str, int] = {"": 0}
        self._sources: dict[str, int] = {}
        self._stories: dict[int, _Story] = {}
        self._buckets: dict[int, array[int]] = {}  # hour → sequence numbers, for expiry
        self._cached: tuple[StoryDoc, Features] | None = None
        self._expired_since_sweep = 0
        # below this cosine no text level can be met (-1: every candidate compared in full)
        self._gate = min(params.similarity, _DUP_GATE) if quick else -1.0

    def __len__(self) -> int:
        return len(self.table)

    # ---- features -------------------------------------------------------------------

    def features(self, doc: StoryDoc) -> Features:
        if self._cached is not None and self._cached[0] == doc:
            return self._cached[1]
        title = split_words(doc.title)
        words = split_words(doc.text) or title
        # each word looked up once: its term id, hash and action families (bot.core.wordcodes)
        codes = self.words.codes(words)
        title_codes = self.words.codes(title)
        tf = Counter(wordcodes.terms(codes))
        for t in wordcodes.terms(title_codes):
            tf[t] += TITLE_BOOST
        tf.pop(0, None)  # stopwords and tokens too short to mean anything
        ids = list(tf)
        # weight = (1 + ln tf) × ln((N + prior) / (df + 1)), negated so that sort() puts the
        # heaviest first; ties keep text order, so the same text always keeps the same terms.
        # ln(df + 1) is kept beside each count (DocTable.term_log), ln tf of small counts comes
        # from a table: the same floats, looked up.
        logn = math.log(len(self.table) + PRIOR_DOCS)
        self.table.grow_terms(self.words.next_term + 1)
        idf = map(logn.__sub__, map(self.table.term_log.__getitem__, ids))
        tfw = _NEG_1_LOG.of(tf.values())
        weights = list(map(mul, tfw, idf))
        top = sorted(range(len(weights)), key=weights.__getitem__)[: self.params.top_terms]
        norm = -math.sqrt(sum(weights[i] ** 2 for i in top)) or 1.0
        for e in doc.entity_ids:
            if e not in self._entities:
                self._entities[e] = len(self._entities) + 1
        self._places.update(self._entities[p] for p in doc.places if p in self._entities)
        named = sorted((self._entities[e], e) for e in doc.entity_ids)
        ents = tuple(i for i, _ in named)
        in_lead = doc.entity_ids if doc.lead_entities is None else doc.lead_entities
        # what events.signature reads off the words, from their codes
        lead = lead_words(doc.text)
        cut = len(lead) - 1  # its last word may be cut short; the others are the text's first
        if cut > 0 and lead[:cut] == words[:cut]:
            lead_kinds = wordcodes.kinds(codes[:cut]) | self.words.kinds(lead[cut:])
        else:
            lead_kinds = self.words.kinds(lead)
        lead_kinds = lead_kinds & SENTENCE_KINDS | wordcodes.kinds(title_codes)
        lead_kinds |= lead_marks(title, lead)
        kinds = lead_kinds | wordcodes.kinds(codes)
        figures = numbers(figures_text(doc.title, doc.text), [*title, *words])
        sig = shingles.of_hashes(list(wordcodes.hashes(codes)))
        feats = Features(
            terms=tuple(map(ids.__getitem__, top)),
            weights=tuple(map(truediv, map(weights.__getitem__, top), repeat(norm))),
            sig=sig,
            entities=ents,
            lang=self._langs.setdefault(doc.lang or "", len(self._langs)),
            source=self._sources.setdefault(doc.source_id, len(self._sources)),
            seen_at=_ts(doc.seen_at),
            lead=sum(1 << i for i, (_, e) in enumerate(named[:32]) if e in in_lead),
            kinds=kinds,
            lead_kinds=lead_kinds,
            numbers=figures,
        )
        self._cached = (doc, feats)
        return feats

    def _term_ids(self, words: list[str]) -> list[int]:
        """The term id of each word's stem (0 for a dropped word)."""
        return list(wordcodes.terms(self.words.codes(words)))

    # ---- assignment -----------------------------------------------------------------

    def assign(self, doc: StoryDoc) -> Assignment:
        """The open story `doc` joins, or NEW; the index is left unchanged."""
        return self.assign_features(self.features(doc))

    def assign_features(self, f: Features) -> Assignment:
        p, table = self.params, self.table
        # rarest first, within a budget: rare words and actors find the same story, common
        # ones only add more unrelated articles to count
        table.grow_terms(max(f.terms, default=0) + 1)
        term_df, ent_df = table.term_df, table.entity_df
        budget = p.postings_cap * 4
        tails = []
        for t in sorted(f.terms[: p.query_terms], key=term_df.__getitem__):
            tail = table.tail(table.term_postings, t, min(p.postings_cap, budget))
            tails.append(tail)
            budget -= len(tail)
            if budget <= 0:
                break
        term_hits = Counter(chain.from_iterable(tails))  # one count, in the same order
        # across languages only names and figures are shared: the rarest actors and strong
        # figures each bring their own candidates, and the rarest places when the actors bring
        # fewer than a full list (a name or figure no article in the window has brings none,
        # so the rarest that some article has are asked)
        by_df = sorted((e for e in f.entities if e in ent_df), key=ent_df.__getitem__)
        other_hits: Counter[int] = Counter()
        for e in [e for e in by_df if e not in self._places][:2]:
            other_hits.update(table.tail(table.entity_postings, e, p.postings_cap))
        if len(other_hits) < p.candidates:
            for e in [e for e in by_df if e in self._places][:2]:
                other_hits.update(table.tail(table.entity_postings, e, p.postings_cap))
        num_df = table.number_df
        figures = sorted((x for x in f.numbers if x in num_df), key=num_df.__getitem__)[:2]
        for x in figures:
            other_hits.update(table.tail(table.number_postings, x, p.postings_cap))
        seqs = set(_most_common(term_hits, p.candidates))
        seqs.update(_most_common(other_hits, p.candidates))
        mine = self._side(f)
        verdicts: dict[int, _Verdict] = {}  # story → how the new article fits it as a whole
        best, best_key = NEW, (0, 0.0)
        lo, hi = f.seen_at - p.window_hours * 3600, f.seen_at + p.window_hours * 3600
        base, story, time = table.base, table.story, table.time
        n = len(story)
        for seq in seqs:
            slot = seq - base
            if not 0 <= slot < n or story[slot] == DEAD or not lo <= time[slot] <= hi:
                continue
            level, score = self._compare(f, mine, slot, verdicts)
            if level is None:
                continue
            key = (2 if level == "same-text" else 1, score)
            if key > best_key:
                best_key = key
                best = Assignment(story[slot], level, round(score, 4), table.article[slot])
        return best

    def _verdict(self, slot: int, mine: _Side, verdicts: dict[int, _Verdict]) -> _Verdict:
        sid = self.table.story[slot]
        verdict = verdicts.get(sid)
        if verdict is None:
            verdict = verdicts[sid] = self._stories[sid].verdict(mine)
        return verdict

    def _compare(
        self,
        f: Features,
        mine: _Side,
        slot: int,
        verdicts: dict[int, _Verdict],
    ) -> tuple[str | None, float]:
        """How the new article fits the candidate in `slot` (and that candidate's story as a
        whole: its verdict, made once per story in `verdicts`): a level and a score, or None."""
        p, table = self.params, self.table
        k = table.k
        start = slot * k
        cos = _cosine(mine.query, mine.terms, table.terms[start : start + k], table.weights, start)
        ents = table.entities(slot)
        # most candidates: words too unlike for any text level, and neither an entity nor a
        # figure shared to anchor an event (what the checks below would find, sooner)
        if (
            cos < self._gate
            and mine.ents.isdisjoint(ents)
            and (not mine.figures or mine.figures.isdisjoint(table.figures(slot)))
        ):
            return None, 0.0
        same_source = f.source == table.source[slot]
        figures, figures_differ = 0.0, False
        if mine.figures:
            figures, figures_differ = number_points(mine.figures, mine.strong, table.figures(slot))
        if cos >= _DUP_GATE and not (same_source and figures_differ):
            jac = shingles.jaccard(f.sig, table.sig(table.base + slot))
            copy = max(p.near_duplicate, SAME_SOURCE_COPY) if same_source else p.near_duplicate
            if jac >= copy and not self._verdict(slot, mine, verdicts).any:
                return "same-text", jac
        overlap, shared, shared_actors, conflict = mine.agreement(ents)
        if conflict:
            return None, 0.0
        text = cos + p.entity_weight * overlap
        if text < p.similarity and not shared and figures < 1.5:
            return None, 0.0  # neither alike words nor an anchor for the event
        anchors = min(shared_actors, 2) + 0.5 * min(shared - shared_actors, 2) + figures
        if text < p.similarity and mine.kinds_max + anchors < p.event_score:
            return None, 0.0  # not enough even if the actions agreed as much as they can
        kinds = kind_points(f.lead_kinds, f.kinds, table.lead_kinds[slot], table.kinds[slot])
        points = kinds + anchors
        if text < p.similarity and points < p.event_score:
            return None, 0.0  # not enough in common, before any disagreement is counted
        penalty = self._verdict(slot, mine, verdicts).penalty(shared_actors)
        if abs(f.seen_at - table.time[slot]) > DAY:
            penalty += LATER_DAY
        if figures_differ and f.lead_kinds & table.lead_kinds[slot] & _PRICE:
            penalty += PRICE_FIGURES
        points -= penalty
        same_lang = f.lang == table.lang[slot] or not f.lang or not table.lang[slot]
        if same_lang:
            if same_source:
                ok = text >= p.similarity * SAME_SOURCE_TEXT and points >= p.event_score
            else:  # alike words are enough, unless the event itself disagrees
                ok = text >= p.similarity and penalty < TEXT_TOLERANCE and points >= 0
            if ok:
                return "same-language", text
        # the event itself: the same kind of action, anchored by a shared actor, place or
        # figures, agreeing enough once every disagreement is counted
        anchored = shared > 0 or figures >= 1.5
        # an action outside the lexicon is unknown, not different: it neither helps nor bars
        typed = kinds > 0 or not (f.lead_kinds & CORE_KINDS and table.lead_kinds[slot] & CORE_KINDS)
        need = p.event_score + (1.0 if same_source else 0.0)
        if typed and anchored and points >= need:
            return ("same-language" if same_lang else "cross-language"), points / 4
        return None, 0.0

    def _side(self, f: Features) -> _Side:
        # IDF is fixed for the duration of one assignment
        weights = _EntityWeights(len(self.table) + PRIOR_DOCS, self.table.entity_df, self._places)
        side = _Side(f, self._places, weights.__getitem__)
        if not self.quick:
            side.kinds_max = math.inf
        return side

    # ---- maintenance ----------------------------------------------------------------

    def add(self, doc: StoryDoc, story_id: int) -> None:
        """Record `doc` as part of `story_id` (an id the store minted)."""
        self.add_features(doc.article_id, story_id, self.features(doc))
        self._cached = None

    def add_features(self, article_id: int, story_id: int, f: Features) -> None:
        seq = self.table.append(
            article_id,
            story_id,
            f.seen_at,
            f.lang,
            f.source,
            f.terms,
            f.weights,
            f.sig,
            f.entities,
            f.lead,
            f.kinds,
            f.lead_kinds,
            f.numbers,
        )
        known = self._stories.get(story_id)
        if known is None:
            known = self._stories[story_id] = _Story()
        known.add(f, self._places)
        bucket = self._buckets.get(hour := int(f.seen_at // 3600))
        if bucket is None:
            bucket = self._buckets[hour] = array("Q")
        bucket.append(seq)

    def expire(self, now: datetime) -> list[int]:
        """Drop articles older than the window; returns the stories left with none (closed)."""
        cutoff = _ts(now) - self.params.window_hours * 3600
        closed: list[int] = []
        for hour in sorted(h for h in self._buckets if h * 3600 < cutoff):
            keep = array("Q")
            for seq in self._buckets.pop(hour):
                if self.table.time[self.table.slot(seq)] >= cutoff:
                    keep.append(seq)
                    continue
                story = self.table.kill(seq)
                if story == DEAD:
                    continue
                self._expired_since_sweep += 1
                known = self._stories[story]
                known.size -= 1
                if not known.size:
                    del self._stories[story]
                    closed.append(story)
            if keep:
                self._buckets[hour] = keep
        self.table.trim()
        if self._expired_since_sweep > max(10_000, len(self.table)):
            self._sweep()
        return sorted(closed)

    def _sweep(self) -> None:
        self.table.sweep()
        self.words.forget(self.table.live_terms())  # and the memo that may name forgotten terms
        self._expired_since_sweep = 0


class _Verdict(NamedTuple):
    """How a new article fits a story as a whole (every member at once)."""

    kinds: bool  # its lead names another kind of action than the story's leads
    newcomer: bool  # its lead names an actor the story never mentions ...
    counterpart: bool  # ... and the story's leads name one it never mentions
    places: bool  # both name places and share none
    partial: bool = False  # it names one of the story's principal actors, and not the others
    new_place: bool = False  # its lead names a place the story never mentions
    new_kind: bool = False  # its lead names a kind of action no member of the story names
    follow_up: bool = False  # its lead or the story's leads name a follow-up the other does not
    apart: bool = False  # its lead and the story's leads name places, none of them shared
    days: bool = False  # its lead and the story's leads name days of the week, none shared
    rounds: bool = False  # ... name rounds of a series (the second round of talks), none shared
    crossed: bool = False  # they share one lead place, and each names one the other does not

    def penalty(self, shared_actors: int) -> float:
        # two shared actors make a different place likely the same event told from elsewhere
        place = (0.5 if shared_actors >= 2 else 1.5) if self.places else 0.0
        actor = COUNTERPART if self.counterpart else NEWCOMER * (self.newcomer or self.partial)
        # a newcomer doing something the story never told of is the next event (a minister
        # resigning over the quake), not one more report of this one
        fresh = NEW_KIND * (self.new_kind and self.newcomer)
        return (
            KIND_CONFLICT * self.kinds
            + actor
            + place
            + NEW_PLACE * self.new_place
            + fresh
            + FOLLOW_UP * self.follow_up
            + APART * (self.apart and not self.places)
            + OTHER_DAY * self.days
            + OTHER_ROUND * self.rounds
            + CROSSED * (self.crossed and not self.places)
        )

    @property
    def any(self) -> bool:
        return (
            self.kinds
            or self.newcomer
            or self.places
            or self.new_place
            or self.follow_up
            or self.apart
            or self.days
            or self.rounds
            or self.crossed
        )


class _Story:
    """What a story's members say together: their entities, principal actors and actions.
    A joining article must agree with this, not only with the one member it resembles most,
    so a shared name cannot chain an unrelated event into the story."""

    __slots__ = ("ents", "kinds", "lead_actors", "lead_kinds", "lead_places", "places", "size")

    def __init__(self) -> None:
        self.size = 0
        self.ents: tuple[int, ...] = ()
        self.places: tuple[int, ...] = ()
        self.lead_actors: tuple[int, ...] = ()
        self.lead_places: frozenset[int] = frozenset()
        self.lead_kinds = 0
        self.kinds = 0

    def add(self, f: Features, places: set[int]) -> None:
        self.size += 1
        lead_kinds = f.lead_kinds
        if tells_toll(lead_kinds):
            lead_kinds &= ~DAY_MASK  # not the day of its happening: never the story's day
        self.lead_kinds |= lead_kinds
        self.kinds |= f.kinds
        if not set(f.entities).issubset(self.ents):
            self.ents = tuple(sorted(set(self.ents).union(f.entities)))
            self.places = tuple(e for e in self.ents if e in places)
        lead_places = _lead_places(f, places)
        if not lead_places.issubset(self.lead_places):
            self.lead_places = self.lead_places.union(lead_places)
        lead = _lead_actors(f, places)
        if not set(lead).issubset(self.lead_actors):
            self.lead_actors = tuple(sorted(set(self.lead_actors).union(lead)))

    def verdict(self, side: _Side) -> _Verdict:
        """How the new article (its side, prepared once) fits this story as a whole."""
        mine, lead = side.ents, side.lead_actors
        newcomer = not lead.issubset(self.ents)
        return _Verdict(
            kinds=kinds_disagree(side.lead_kinds, self.lead_kinds),
            newcomer=newcomer,
            counterpart=newcomer and not mine.issuperset(self.lead_actors),
            places=bool(side.my_places and self.places and side.my_places.isdisjoint(self.places)),
            partial=len(self.lead_actors) >= 2 and len(mine.intersection(self.lead_actors)) == 1,
            # a place new to a story of principal actors (a minister's next guest's country);
            # for an event without actors (a bombing, a quake) the city's country is no news
            new_place=bool(self.lead_actors) and not side.lead_places.issubset(self.places),
            new_kind=bool(side.lead_kinds & CORE_KINDS & ~self.kinds),
            follow_up=follow_up_differs(side.lead_kinds, self.lead_kinds),
            apart=bool(side.lead_places and self.lead_places)
            and side.lead_places.isdisjoint(self.lead_places),
            days=days_differ(side.lead_kinds, self.lead_kinds),
            rounds=rounds_differ(side.lead_kinds, self.lead_kinds),
            crossed=len(side.lead_places & self.lead_places) == 1
            and bool(side.lead_places - self.lead_places)
            and bool(self.lead_places - side.lead_places),
        )


def _lead_actors(f: Features, places: set[int]) -> tuple[int, ...]:
    lead = f.lead
    return tuple(e for i, e in enumerate(f.entities) if lead >> i & 1 and e not in places)


def _lead_places(f: Features, places: set[int]) -> frozenset[int]:
    lead = f.lead
    return frozenset(e for i, e in enumerate(f.entities) if lead >> i & 1 and e in places)


class _EntityWeights(dict[int, float]):
    """Entity IDF weights, computed on first use: a hit is a C-level lookup."""

    def __init__(self, n: float, df: dict[int, int], places: set[int]) -> None:
        super().__init__()
        self.n, self.df, self.places = n, df, places

    def __missing__(self, e: int) -> float:
        w = math.log(self.n / (self.df.get(e, 0) + 1))
        if e in self.places:
            w *= PLACE_WEIGHT
        self[e] = w
        return w


class _Side:
    """The new article's terms and entities, prepared once and compared with each candidate's."""

    __slots__ = (
        "ents",
        "figures",
        "has_actor",
        "kinds_max",
        "lead_actors",
        "lead_kinds",
        "lead_places",
        "my_places",
        "places",
        "query",
        "strong",
        "terms",
        "total",
        "weight",
    )

    def __init__(self, f: Features, places: set[int], weight: Callable[[int], float]) -> None:
        self.query = dict(zip(f.terms, f.weights, strict=True))
        self.terms = frozenset(f.terms)
        ents = f.entities
        self.ents = frozenset(ents)
        self.places = places
        self.weight = weight
        self.has_actor = any(e not in places for e in ents)
        self.total = sum(map(weight, ents)) if self.has_actor else 0.0
        self.my_places = self.ents.intersection(places)
        self.lead_actors = frozenset(_lead_actors(f, places))
        self.lead_places = _lead_places(f, places)
        self.lead_kinds = f.lead_kinds
        self.kinds_max = kind_points_max(f.lead_kinds, f.kinds)
        self.figures = frozenset(f.numbers)
        self.strong = any(x & STRONG for x in f.numbers)

    def agreement(self, other: Sequence[int]) -> tuple[float, int, int, bool]:
        """(IDF-weighted Ochiai overlap, shared count, shared actors, actors conflict).

        The overlap is zero unless an actor is shared: a shared place alone is context."""
        if not self.ents or not other:
            return 0.0, 0, 0, False
        places = self.places
        common = self.ents.intersection(other)
        shared_actors = len(common.difference(places)) if common else 0
        if not shared_actors:
            conflict = self.has_actor and not places.issuperset(other)  # `other` names an actor
            return 0.0, len(common), 0, conflict
        weight = self.weight
        total = math.sqrt(self.total * sum(map(weight, other))) or 1.0
        return sum(map(weight, common)) / total, len(common), shared_actors, False


def _cosine(
    query: dict[int, float],
    keys: frozenset[int],
    terms: array[int],
    weights: array[int],
    start: int,
) -> float:
    """The dot product of the query (its terms `keys`) with the article whose `terms` have
    their `weights` from `start` on: `sum(query.get(t, 0.0) * w ...) / WEIGHT_SCALE`, the
    same float, with only the shared terms' products (most candidates share none or one; the
    others add 0.0, which leaves a sum of non-negative floats as it is), in the article's
    term order, multiplied and added in C."""
    common = keys.intersection(terms)
    if not common:
        return 0.0
    if len(common) == 1:
        (t,) = common
        return query[t] * weights[start + terms.index(t)] / WEIGHT_SCALE
    at = sorted(map(terms.index, common))
    products = map(mul, map(query.__getitem__, map(terms.__getitem__, at)), _at(weights, start, at))
    total: float = sum(products)
    return total / WEIGHT_SCALE


def _at(weights: array[int], start: int, at: list[int]) -> Iterator[int]:
    return map(weights.__getitem__, map(start.__add__, at))


def _most_common(counts: Counter[int], n: int) -> list[int]:
    """The keys of `counts.most_common(n)`, in its order: most_common runs a heap in Python
    over every key, a sort by count in C gives the same list (stable: among equal counts the
    first counted comes first, as heapq.nlargest documents) in half the time. Most keys of a
    long count are counted once: only the others are sorted, the first of the ones follow."""
    if len(counts) <= 2 * n:
        return sorted(counts, key=counts.__getitem__, reverse=True)[:n]
    many = list(compress(counts, map((1).__lt__, counts.values())))
    if len(many) < n:
        once = compress(counts, map((1).__eq__, counts.values()))
        many.sort(key=counts.__getitem__, reverse=True)
        many.extend(islice(once, n - len(many)))
        return many
    return sorted(many, key=counts.__getitem__, reverse=True)[:n]


class _Table(list[float]):
    """f(0), f(1), ... up to `cap`, grown on demand: a C-level list lookup where a chain of
    C-level maps allocated an int and two floats per value (same floats: same f)."""

    def __init__(self, f: Callable[[int], float], cap: int = 1 << 16) -> None:
        super().__init__()
        self.f, self.cap = f, cap

    def of(self, ns: Collection[int]) -> Iterator[float]:
        top = max(ns, default=0)
        if top >= self.cap:
            return map(self.f, ns)
        if top >= len(self):
            self.extend(map(self.f, range(len(self), min(self.cap, 2 * top + 1))))
        return map(self.__getitem__, ns)


_NEG_1_LOG = _Table(lambda n: -1.0 - math.log(n) if n else 0.0)  # -(1 + ln tf)


def _ts(dt: datetime) -> float:
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()
