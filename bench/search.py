"""Chat `search` latency over a store of generated articles: FTS5 candidates + matcher
confirmation (the command as users run it), beside the baseline of confirming every article
in the date window with the matcher alone (what search would cost without FTS5).

Articles are generated from a vocabulary of 30,000 pseudo-words (Arabic and Latin letters,
Zipf-distributed, as news vocabulary is) with planted words at known rates, so a query's hit
count grows with the size and nothing else changes.

    .venv/bin/python bench/search.py [--articles 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.commands import Env, Request, execute
from bot.core.match import Matcher
from bot.core.normalize import normalize
from bot.core.rules import parse_rules
from bot.models import Article
from bot.store import Store, open_store

AR = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
EN = "abcdefghijklmnopqrstuvwxyz"
RULES = """
entities:
  ostmark: {name: Ostmark, kind: place, aliases: [Ostmark, أوستمارك]}
topics:
  drills: {name: Drills, query: 'drill* OR مناورات'}
"""
PLANTS = {"drills": 0.01, "مناورات": 0.005, "Ostmark": 0.02, "envoy": 0.01}
QUERIES = [
    "drill*",
    "مناورات",
    "@ostmark AND envoy",
    '"naval drills" OR #drills',
    "envoy NOT drills",
]


def word(rng: random.Random) -> str:
    letters = AR if rng.random() < 0.5 else EN
    return "".join(rng.choice(letters) for _ in range(rng.randint(3, 8)))


def build(path: Path, n: int, seed: int, now: datetime) -> Store:
    rng = random.Random(seed)
    vocab = [word(rng) for _ in range(30_000)]
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    store = open_store(path)
    rows: list[tuple[Article, str, str]] = []
    for i in range(n):
        words = rng.choices(vocab, weights, k=120)
        for plant, rate in PLANTS.items():
            if rng.random() < rate:
                words.insert(rng.randrange(len(words)), plant)
        title, text = " ".join(words[:8]), " ".join(words[8:])
        seen = now - timedelta(minutes=i)
        article = Article(
            key=f"k{i}",
            source_id="s",
            source_name="S",
            url=f"https://s.example/{i}",
            title=title,
            text=text,
            published=seen,
            fetched=seen,
        )
        rows.append((article, normalize(title), normalize(text)))
    store.add_articles(rows)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    now = datetime.now(UTC)
    rules = parse_rules([("r.yaml", RULES)])
    matcher = Matcher(rules)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = build(Path(tmp) / "bench.db", args.articles, args.seed, now)
        print(f"{args.articles} articles stored in {time.perf_counter() - t0:.1f} s")
        env = Env(store, lambda: rules, lambda: matcher)
        request = Request("console", "-", "bench", False, now)
        days = 3650
        for query in QUERIES:
            t0 = time.perf_counter()
            reply = asyncio.run(execute(f"search {query} --days {days}", request, env))
            fts_ms = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            hits = 0
            for a in store.search_articles(None, now - timedelta(days=days), args.articles, 0):
                if matcher.match_query(query, a.title, a.text) is not None:
                    hits += 1
                    if hits > 10:
                        break
            naive_ms = (time.perf_counter() - t0) * 1000
            shown = reply.text.count("\nhttps://")
            print(
                f"search {query!r:32} first page ({shown:2} shown): {fts_ms:8.1f} ms  "
                f"baseline (matcher over the window until 11 hits): {naive_ms:8.1f} ms"
            )
        store.close()


if __name__ == "__main__":
    main()
