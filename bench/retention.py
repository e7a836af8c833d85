"""File size per 10,000 articles before and after pruning, and the prune's time, beside two
baselines measured in the same run: the file with no pruning after a plain VACUUM, and the
file pruned but never switched to incremental vacuum (an older database: freed pages are
reused, the file keeps its size).

The store is built through the store's own methods: `--articles` articles spread evenly over
`--days` days (invented text, 1,500–6,000 characters each: English-like and Arabic-script
pseudo-words from a 30,000-word lexicon per script, drawn by a Zipf law as real words are,
normalised as ingest does), grouped in stories of 1–6 consecutive articles, every story
closed but those of the last three days. Pruned with the default `retention`
settings (text 30 days, articles 90, stories 365) at the end of the spread.

    .venv/bin/python bench/retention.py [--articles 10000] [--days 400] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from bot.app.retention import prune_store
from bot.core.normalize import normalize
from bot.models import Article
from bot.settings import RetentionSection, Settings
from bot.store import Store, open_store

EN = "etaoinshrdlucmfwypvbgk"
AR = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
END = datetime(2026, 11, 30, tzinfo=UTC)


class Lexicon:
    """Invented words of one script, drawn by a Zipf law as words of real text are (a few
    very common, a long tail of rare ones), so the search index is as big as real text's."""

    def __init__(self, rng: random.Random, letters: str, size: int = 30_000) -> None:
        self.rng = rng
        self.words = [
            "".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(size)
        ]
        self.cum = list(accumulate(1.0 / rank for rank in range(1, size + 1)))

    def words_(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cum, k=n))

    def text(self) -> str:
        target = self.rng.randint(1500, 6000)
        sentences: list[str] = []
        size = 0
        while size < target:
            sentence = self.words_(self.rng.randint(8, 22)).capitalize() + "."
            sentences.append(sentence)
            size += len(sentence) + 1
        return " ".join(sentences)


def build(store: Store, articles: int, days: int, seed: int) -> int:
    """Fill `store`; the characters of text stored."""
    rng = random.Random(seed)
    lexicons = {"en": Lexicon(rng, EN), "ar": Lexicon(rng, AR)}
    step = timedelta(days=days) / articles
    chars = 0
    story, left = 0, 0
    batch: list[tuple[Article, str, str]] = []
    for i in range(articles):
        lang = "ar" if rng.random() < 0.35 else "en"
        title = lexicons[lang].words_(rng.randint(6, 12)).capitalize()
        text = lexicons[lang].text()
        chars += len(text)
        fetched = END - timedelta(days=days) + i * step
        article = Article(
            key=f"g:{seed}:{i}",
            source_id=f"outlet{i % 40}",
            source_name=f"Outlet {i % 40}",
            url=f"https://outlet{i % 40}.example/news/{i}",
            title=title,
            text=text,
            lang=lang,
            published=fetched,
            fetched=fetched,
        )
        batch.append((article, normalize(title), normalize(text)))
        if len(batch) == 500 or i == articles - 1:
            ids = store.add_articles(batch)
            for (a, _, _), aid in zip(batch, ids, strict=True):
                assert aid is not None
                if left == 0:
                    story, left = (
                        store.create_story(a.title, text[:280], a.fetched),
                        rng.randint(1, 6),
                    )
                store.attach_article(story, aid, a.fetched, [], [])
                left -= 1
            batch = []
    recent = {s.id for s in store.stories_since(END - timedelta(days=3), limit=10**6)}
    old = [s.id for s in store.stories_since(END - timedelta(days=days + 1), limit=10**6)]
    store.close_stories(s for s in old if s not in recent)
    store.checkpoint()
    return chars


def _copy(store: Store, target: Path) -> None:
    target.unlink(missing_ok=True)
    store.backup_to(target)


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def _vacuum(path: Path, mode: str | None = None) -> None:
    conn = sqlite3.connect(path)
    if mode:
        conn.execute(f"PRAGMA auto_vacuum = {mode}")
    conn.execute("VACUUM")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    keep = RetentionSection()
    per = 10_000 / args.articles

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        live = home / "live.db"
        store = open_store(live)
        started = time.monotonic()
        chars = build(store, args.articles, args.days, args.seed)
        built = time.monotonic() - started
        before = _size(live)

        plain, old = home / "plain.db", home / "old.db"
        _copy(store, plain)
        _vacuum(plain)  # baseline 1: nothing pruned, the file compacted
        plain_size = _size(plain)
        _copy(store, old)
        _vacuum(old, "NONE")  # baseline 2: a file from before incremental vacuum

        cpu = time.process_time()
        report = asyncio.run(prune_store(store, Settings(), END))
        cpu = time.process_time() - cpu
        after = _size(live)
        remaining = store.article_count()
        stories = len(store.stories_since(END - timedelta(days=10**4), limit=10**7))
        store.close()

        old_store = open_store(old)
        old_cpu = time.process_time()
        old_report = asyncio.run(prune_store(old_store, Settings(), END))
        old_cpu = time.process_time() - old_cpu
        old_store.close()
        old_after = _size(old)

    print(
        f"retention bench: {args.articles:,} articles over {args.days} days, mean text "
        f"{chars / args.articles:,.0f} characters (built in {built:.0f}s); retention: text "
        f"{keep.text_days} d, articles {keep.articles_days} d, stories {keep.stories_days} d"
    )
    print(f"  {'':<46} {'file':>10} {'per 10,000 articles':>20}")
    for label, size, note in [
        ("stored, no pruning", before, ""),
        ("baseline: plain VACUUM, no pruning", plain_size, ""),
        (
            "pruned, old file (auto_vacuum none, not switched)",
            old_after,
            f"prune {old_report.seconds:.1f}s ({old_cpu:.1f}s CPU)",
        ),
        ("pruned, incremental vacuum", after, f"prune {report.seconds:.1f}s ({cpu:.1f}s CPU)"),
    ]:
        print(f"  {label:<46} {_mb(size):>10} {_mb(size * per):>20}   {note}")
    removed = ", ".join(f"{t} {n:,}" for t, n in report.removed.items() if n)
    print(f"  removed: {removed}")
    print(f"  left: {remaining:,} articles in {stories:,} stories")


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


if __name__ == "__main__":
    main()
