"""Story index cost per new article and peak memory with 10k, 100k and 1M articles in the window.

The window is filled with generated articles in four scripts (Arabic, Persian, English,
Russian): Zipf-distributed words from a synthetic vocabulary of 40,000 words per language,
32 content terms, 0-6 entities from 3,000, a random 64-byte fingerprint, times spread over
72 hours. Filling a million articles through the text path would take most of an hour, so
the filler bulk-adds precomputed features (the same `add_features` the text path ends in);
the timed articles go the whole way: tokenize, stem, fingerprint, assign, add.

Baseline, measured in the same run: the same comparison against every article in the
window (what an index-free grouper does), on a few articles only.

    .venv/bin/python bench/stories.py [--sizes 10000,100000,1000000] [--sample 300]
        [--profile 25]   (after each size: where the timed articles' CPU went, cProfile's
                          top functions; the timings of that run include its overhead)
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import itertools
import math
import os
import pstats
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.events import BITS, STRONG
from bot.core.eventwords import FAMILIES
from bot.core.normalize import normalize
from bot.core.stem import stems
from bot.core.stories import Features, GroupingParams, StoryDoc, StoryIndex

ALPHABETS = {
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "fa": "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی",
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ru": "абвгдежзийклмнопрстуфхцчшщыэюя",
}
VOCAB = 40_000
ENTITIES = 3_000
PLACES = 300  # the first entity ids are places
FIGURES = 20_000  # distinct figures in the window (half of them strong)
START = datetime(2024, 1, 1, tzinfo=UTC)
WINDOW_H = 72.0


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class World:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.words: dict[str, list[str]] = {}
        for lang, abc in ALPHABETS.items():
            seen: set[str] = set()
            while len(seen) < VOCAB:
                seen.add("".join(self.rng.choices(abc, k=self.rng.randint(3, 9))))
            self.words[lang] = sorted(seen)
        zipf = [1 / (r + 10) for r in range(VOCAB)]
        self.cum = list(itertools.accumulate(zipf))
        ent = [1 / (r + 3) for r in range(ENTITIES)]
        self.ent_cum = list(itertools.accumulate(ent))

    def text(self, lang: str, n: int) -> str:
        return " ".join(self.rng.choices(self.words[lang], cum_weights=self.cum, k=n))

    def entities(self) -> frozenset[str]:
        k = self.rng.randint(0, 6)
        return frozenset(
            f"e{i}" for i in self.rng.choices(range(ENTITIES), cum_weights=self.ent_cum, k=k)
        )


def fill(
    index: StoryIndex, world: World, start: int, stop: int, term_ids: dict[str, list[int]]
) -> None:
    """Bulk-add generated features for articles start..stop-1."""
    rng, k = world.rng, index.params.top_terms
    langs = list(ALPHABETS)
    ent_ids = [index._entities.setdefault(f"e{i}", i + 1) for i in range(ENTITIES)]
    index._places.update(ent_ids[:PLACES])
    kinds = list(BITS.values())
    shape = [1 / math.sqrt(i + 1) for i in range(k)]
    norm = math.sqrt(sum(w * w for w in shape))
    weights = tuple(w / norm for w in shape)
    for n in range(start, stop):
        lang = langs[n % 4]
        ids = term_ids[lang]
        picks = rng.choices(range(len(ids)), cum_weights=world.cum, k=k + 8)
        terms = tuple(dict.fromkeys(ids[p] for p in reversed(picks)))[:k]
        ents = tuple(
            sorted(
                {
                    ent_ids[i]
                    for i in rng.choices(
                        range(ENTITIES), cum_weights=world.ent_cum, k=rng.randint(0, 6)
                    )
                }
            )
        )
        lead_kind = rng.choice(kinds)
        figures = tuple(
            (x + 1) | (STRONG if x % 2 else 0)
            for x in rng.sample(range(FIGURES), rng.randint(0, 4))
        )
        f = Features(
            terms=terms,
            weights=weights[: len(terms)],
            sig=rng.randbytes(64),
            entities=ents,
            lang=index._langs.setdefault(lang, len(index._langs)),
            source=n % 500,
            seen_at=(START + timedelta(hours=WINDOW_H * rng.random())).timestamp(),
            lead=rng.getrandbits(len(ents)),
            kinds=lead_kind | rng.choice(kinds),
            lead_kinds=lead_kind,
            numbers=figures,
        )
        index.add_features(n + 1, n // 3 + 1, f)


def new_docs(world: World, count: int, first_id: int) -> list[StoryDoc]:
    """Generated articles, each with an action word in its title and figures in its text."""
    docs = []
    rng = world.rng
    for i in range(count):
        lang = list(ALPHABETS)[i % 4]
        family = FAMILIES[rng.choice(list(FAMILIES))]
        action = rng.choice(family[lang].split()).rstrip("*")
        figures = f" {rng.randint(2, 900)} {rng.randint(10, 99)}.{rng.randint(1, 9)} "
        docs.append(
            StoryDoc(
                article_id=first_id + i,
                source_id=f"s{i % 50}",
                lang=lang,
                title=f"{action} {world.text(lang, 9)}",
                text=world.text(lang, rng.randint(120, 350))
                + figures
                + world.text(lang, rng.randint(120, 350)),
                seen_at=START + timedelta(hours=WINDOW_H - 1 + world.rng.random()),
                entity_ids=world.entities(),
                url=f"https://outlet.example/{i}",
            )
        )
    return docs


def brute_force(index: StoryIndex, doc: StoryDoc) -> None:
    """Compare with every live article: the cost an index-free grouper pays."""
    f = index.features(doc)
    mine = index._side(f)
    verdicts: dict[int, Any] = {}
    for seq in index.table.live_seqs():
        index._compare(f, mine, index.table.slot(seq), verdicts)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    t0 = time.perf_counter()
    world = World()
    index = StoryIndex(GroupingParams(window_hours=WINDOW_H))
    term_ids: dict[str, list[int]] = {}
    for lang, words in world.words.items():
        # a running bot has met its languages' common words: warm the stem cache with them
        folded = [normalize(w) or w for w in words]
        warm = stems(folded)
        stemmed = [s or w for s, w in zip(warm, folded, strict=True)]
        vocab = index.words.vocab
        term_ids[lang] = [vocab.setdefault(s, len(vocab) + 1) for s in stemmed]
    index.words.next_term = len(index.words.vocab) + 1
    for words in world.words.values():
        index.words.codes([normalize(w) or w for w in words])  # and the word memo
    print(
        f"story index bench (python {sys.version.split()[0]}, "
        f"{args.sample} timed articles per size, CPU time)"
    )
    # a busy machine slows CPU time too (shared caches): say how busy it was
    print("load average at start:", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(
        f"{'articles':>10} {'fill s':>7} {'median ms':>11} {'p95 ms':>7} {'brute ms':>9} "
        f"{'speed-up':>9} {'peak RSS MB':>12}"
    )
    filled = 0
    next_id = 10_000_000
    for size in sizes:
        t = time.perf_counter()
        fill(index, world, filled, size, term_ids)
        filled = size
        fill_s = time.perf_counter() - t
        gc.collect()
        docs = new_docs(world, args.sample, next_id)
        next_id += args.sample
        times = []
        profile = cProfile.Profile(time.process_time) if args.profile else None
        if profile:
            profile.enable()
        for doc in docs:
            t = time.process_time()  # CPU time: the machine may be shared
            got = index.assign(doc)
            index.add(doc, got.story_id or doc.article_id)
            times.append((time.process_time() - t) * 1000)
        if profile:
            profile.disable()
            pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(args.profile)
        brute_n = 3 if size <= 100_000 else 1
        t = time.process_time()
        for doc in new_docs(world, brute_n, next_id):
            brute_force(index, doc)
        brute = (time.process_time() - t) * 1000 / brute_n
        mean = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"{size:>10,} {fill_s:>7.1f} {mean:>11.3f} {p95:>7.3f} {brute:>9.1f} "
            f"{brute / mean:>8.0f}x {rss_mb():>12.0f}"
        )
    print(
        "targets: <= 2 ms/article at 100,000; flat 10k -> 1M; peak <= 1024 MB at 1M; "
        f"total {time.perf_counter() - t0:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
