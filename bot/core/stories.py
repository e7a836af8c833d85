"""Incremental story grouping: which open story a new article belongs to.

Levels, tried on every candidate, best first:
  1. the same item (identity key, canonical URL) never gets here: the store keeps it once;
  2. "same-text": the shingle fingerprints estimate a Jaccard similarity of at least
     `near_duplicate` (wire copy, new headline, trimmed paragraph);
  3. "same-language": cosine of the lightly stemmed content words (TF-IDF, top terms only)
     plus `entity_weight` times the entity overlap reaches `similarity`;
  4. "cross-language": the articles share at least two matched entities, one of them an
     actor, and their IDF-weighted entity overlap reaches `entity_overlap`.
Levels 3 and 4 also need the actors to agree: when both articles name actors (entities that
are not places) and share none of them, they report different events, however alike their
words (a different official visiting a different capital the same week).
Every level needs both articles within `window_hours` of each other.

Candidates come only from the inverted indexes: the newest `postings_cap` articles under
each of the new article's `query_terms` best terms and under each of its entities, so the
cost of one article does not grow with the size of the window. IDF statistics are counted
incrementally over the articles in the window, smoothed by PRIOR_DOCS empty documents so the
first few articles of a fresh index are compared on plain term frequencies.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import repeat
from operator import mul
from typing import Protocol

from bot.core import shingles
from bot.core.doctable import DEAD, WEIGHT_SCALE, DocTable
from bot.core.normalize import normalize
from bot.core.stem import stems

PRIOR_DOCS = 20.0
TITLE_BOOST = 2  # a title word counts as this many body words
PLACE_WEIGHT = 0.5  # places tell where, actors tell who: a shared place counts half
_WORD_CACHE_MAX = 500_000
_DUP_GATE = 0.3  # near-duplicates are compared on shingles only above this cosine


class StoriesSettings(Protocol):
    """The `stories` section of the settings (bot.settings.StoriesSection)."""

    @property
    def window_hours(self) -> float: ...
    @property
    def near_duplicate(self) -> float: ...
    @property
    def similarity(self) -> float: ...
    @property
    def entity_overlap(self) -> float: ...
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


@dataclass(frozen=True)
class GroupingParams:
    window_hours: float = 72.0
    near_duplicate: float = 0.5
    similarity: float = 0.3
    entity_overlap: float = 0.5
    entity_weight: float = 0.5
    top_terms: int = 32
    query_terms: int = 12
    postings_cap: int = 200
    candidates: int = 30

    @classmethod
    def from_settings(cls, s: StoriesSettings) -> GroupingParams:
        return cls(
            window_hours=s.window_hours,
            near_duplicate=s.near_duplicate,
            similarity=s.similarity,
            entity_overlap=s.entity_overlap,
            entity_weight=s.entity_weight,
            top_terms=s.top_terms,
            query_terms=s.query_terms,
            postings_cap=s.postings_cap,
            candidates=s.candidates,
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


NEW = Assignment(None, None, 0.0, None)


class StoryIndex:
    """The open stories' articles, compared incrementally against each new one."""

    def __init__(self, params: GroupingParams) -> None:
        self.params = params
        self.table = DocTable(params.top_terms)
        self._vocab: dict[str, int] = {}
        self._next_term = 0  # term ids are never reused, even after a sweep
        self._word_ids: dict[str, int] = {}  # normalised word → its stem's term id, 0 dropped
        self._entities: dict[str, int] = {}
        self._places: set[int] = set()
        self._langs: dict[str, int] = {"": 0}
        self._sources: dict[str, int] = {}
        self._tuples: dict[tuple[int, ...], tuple[int, ...]] = {}
        self._story_size: dict[int, int] = {}
        self._buckets: dict[int, list[int]] = {}  # hour → sequence numbers, for expiry
        self._cached: tuple[StoryDoc, Features] | None = None
        self._expired_since_sweep = 0

    def __len__(self) -> int:
        return len(self.table)

    # ---- features -------------------------------------------------------------------

    def features(self, doc: StoryDoc) -> Features:
        if self._cached is not None and self._cached[0] == doc:
            return self._cached[1]
        title = normalize(doc.title).split()
        words = normalize(doc.text).split() or title
        tf = Counter(self._term_ids(words))
        for t in self._term_ids(title):
            tf[t] += TITLE_BOOST
        tf.pop(0, None)  # stopwords and tokens too short to mean anything
        ids = list(tf)
        # weight = (1 + ln tf) × ln((N + prior) / (df + 1)), negated so that sort() puts the
        # heaviest first; ties keep text order, so the same text always keeps the same terms
        logn = math.log(len(self.table) + PRIOR_DOCS)
        dfs = map(self.table.term_df.get, ids, repeat(0))
        idf = map(logn.__sub__, map(math.log, map((1).__add__, dfs)))
        tfw = map((-1.0).__sub__, map(math.log, tf.values()))
        weights = list(map(mul, tfw, idf))
        top = sorted(range(len(weights)), key=weights.__getitem__)[: self.params.top_terms]
        norm = -math.sqrt(sum(weights[i] ** 2 for i in top)) or 1.0
        for e in doc.entity_ids:
            if e not in self._entities:
                self._entities[e] = len(self._entities) + 1
        self._places.update(self._entities[p] for p in doc.places if p in self._entities)
        ents = tuple(sorted(self._entities[e] for e in doc.entity_ids))
        feats = Features(
            terms=tuple(ids[i] for i in top),
            weights=tuple(weights[i] / norm for i in top),
            sig=shingles.signature(words),
            entities=self._tuples.setdefault(ents, ents),
            lang=self._langs.setdefault(doc.lang or "", len(self._langs)),
            source=self._sources.setdefault(doc.source_id, len(self._sources)),
            seen_at=_ts(doc.seen_at),
        )
        self._cached = (doc, feats)
        return feats

    def _term_ids(self, words: list[str]) -> list[int]:
        """The term id of each word's stem (0 for a dropped word): one C-level lookup per
        word once the word has been met, instead of a stem lookup and a vocabulary lookup."""
        cache = self._word_ids
        out = list(map(cache.get, words))
        if None in out:
            if len(cache) > _WORD_CACHE_MAX:
                cache.clear()
            vocab = self._vocab
            for i, (w, s) in enumerate(zip(words, stems(words), strict=True)):
                if out[i] is None:
                    tid = vocab.get(s, 0) if s else 0
                    if s and not tid:
                        self._next_term += 1
                        tid = vocab[s] = self._next_term
                    out[i] = cache[w] = tid
        return out  # type: ignore[return-value]  # every None replaced above

    # ---- assignment -----------------------------------------------------------------

    def assign(self, doc: StoryDoc) -> Assignment:
        """The open story `doc` joins, or NEW; the index is left unchanged."""
        return self.assign_features(self.features(doc))

    def assign_features(self, f: Features) -> Assignment:
        p, table = self.params, self.table
        # rarest first, within a budget: rare words and actors find the same story, common
        # ones only add more unrelated articles to count
        term_df, ent_df = table.term_df, table.entity_df
        budget = p.postings_cap * 4
        term_hits: Counter[int] = Counter()
        for t in sorted(f.terms[: p.query_terms], key=lambda t: term_df.get(t, 0)):
            tail = table.tail(table.term_postings, t, min(p.postings_cap, budget))
            term_hits.update(tail)
            budget -= len(tail)
            if budget <= 0:
                break
        actors = sorted(
            (e for e in f.entities if e not in self._places), key=lambda e: ent_df.get(e, 0)
        )
        ent_hits: Counter[int] = Counter()
        for e in actors[:2]:
            ent_hits.update(table.tail(table.entity_postings, e, p.postings_cap))
        seqs = {s for s, _ in term_hits.most_common(p.candidates)}
        seqs.update(s for s, _ in ent_hits.most_common(p.candidates))
        query = dict(zip(f.terms, f.weights, strict=True))
        mine = self._entity_side(f)
        best, best_key = NEW, (0, 0.0)
        lo, hi = f.seen_at - p.window_hours * 3600, f.seen_at + p.window_hours * 3600
        base, story, time = table.base, table.story, table.time
        n = len(story)
        for seq in seqs:
            slot = seq - base
            if not 0 <= slot < n or story[slot] == DEAD or not lo <= time[slot] <= hi:
                continue
            level, score = self._compare(f, query, mine, seq, slot)
            if level is None:
                continue
            key = (2 if level == "same-text" else 1, score)
            if key > best_key:
                best_key = key
                best = Assignment(story[slot], level, round(score, 4), table.article[slot])
        return best

    def _compare(
        self, f: Features, query: dict[int, float], mine: _EntitySide, seq: int, slot: int
    ) -> tuple[str | None, float]:
        p, table = self.params, self.table
        k = table.k
        start = slot * k
        terms = table.terms[start : start + k]
        cos = sum(map(mul, map(query.get, terms, repeat(0.0)), table.weights[start : start + k]))
        cos /= WEIGHT_SCALE
        if cos >= _DUP_GATE:
            jac = shingles.jaccard(f.sig, table.sig(seq))
            if jac >= p.near_duplicate:
                return "same-text", jac
        overlap, shared, shared_actors, conflict = mine.agreement(table.entities[slot])
        if conflict:
            return None, 0.0
        same_lang = f.lang == table.lang[slot] or not f.lang or not table.lang[slot]
        score = cos + p.entity_weight * overlap
        if score >= p.similarity and (same_lang or cos >= p.similarity):
            return ("same-language" if same_lang else "cross-language"), score
        if shared >= 2 and shared_actors >= 1 and overlap >= p.entity_overlap:
            return "cross-language" if not same_lang else "same-language", overlap + cos
        return None, 0.0

    def _entity_side(self, f: Features) -> _EntitySide:
        # IDF is fixed for the duration of one assignment
        weights = _EntityWeights(len(self.table) + PRIOR_DOCS, self.table.entity_df, self._places)
        return _EntitySide(f.entities, self._places, weights.__getitem__)

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
        )
        self._story_size[story_id] = self._story_size.get(story_id, 0) + 1
        self._buckets.setdefault(int(f.seen_at // 3600), []).append(seq)

    def expire(self, now: datetime) -> list[int]:
        """Drop articles older than the window; returns the stories left with none (closed)."""
        cutoff = _ts(now) - self.params.window_hours * 3600
        closed: list[int] = []
        for hour in sorted(h for h in self._buckets if h * 3600 < cutoff):
            keep = []
            for seq in self._buckets.pop(hour):
                if self.table.time[self.table.slot(seq)] >= cutoff:
                    keep.append(seq)
                    continue
                story = self.table.kill(seq)
                if story == DEAD:
                    continue
                self._expired_since_sweep += 1
                left = self._story_size[story] - 1
                if left:
                    self._story_size[story] = left
                else:
                    del self._story_size[story]
                    closed.append(story)
            if keep:
                self._buckets[hour] = keep
        self.table.trim()
        if self._expired_since_sweep > max(10_000, len(self.table)):
            self._sweep()
        return sorted(closed)

    def _sweep(self) -> None:
        self.table.sweep()
        df = self.table.term_df
        self._vocab = {t: i for t, i in self._vocab.items() if i in df}
        self._word_ids.clear()  # it may name terms the sweep forgot
        self._expired_since_sweep = 0


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


class _EntitySide:
    """The new article's entities, prepared once and compared with each candidate's."""

    __slots__ = ("ents", "has_actor", "places", "total", "weight")

    def __init__(
        self, ents: tuple[int, ...], places: set[int], weight: Callable[[int], float]
    ) -> None:
        self.ents = frozenset(ents)
        self.places = places
        self.weight = weight
        self.has_actor = any(e not in places for e in ents)
        self.total = sum(map(weight, ents)) if self.has_actor else 0.0

    def agreement(self, other: tuple[int, ...]) -> tuple[float, int, int, bool]:
        """(IDF-weighted Ochiai overlap, shared count, shared actors, actors conflict).

        The overlap is zero unless an actor is shared: a shared place alone is context."""
        if not self.ents or not other:
            return 0.0, 0, 0, False
        places = self.places
        common = self.ents.intersection(other)
        shared_actors = len(common.difference(places)) if common else 0
        if not shared_actors:
            conflict = self.has_actor and any(e not in places for e in other)
            return 0.0, len(common), 0, conflict
        weight = self.weight
        total = math.sqrt(self.total * sum(map(weight, other))) or 1.0
        return sum(map(weight, common)) / total, len(common), shared_actors, False


def _ts(dt: datetime) -> float:
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()
