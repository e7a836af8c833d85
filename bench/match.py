"""Matcher throughput on one core with 10, 1,000 and 30,000 aliases and terms, beside the naive
baseline (one compiled regex per alias or term, searched in turn, as regex-list tools do),
plus the memory the compiled rules take (tracemalloc).

Articles are generated: about 3,000 characters mixing Arabic and English pseudo-words, with
the same planted mentions (bare, with proclitics, a g-letter variant, a prefix form) at every
rule-set size, so the figures compare the cost of the rule set, not of the hits. The matcher
runs with the compiled chunk memo (bot/core/_chunkscan.c) when it is built, and with the
pure-Python memo beside it as a second baseline (the same matches: test_chunkscan.py).

    .venv/bin/python bench/match.py [--articles 400] [--naive-articles 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import time
import tracemalloc

import yaml

from bot.core.lexicon import COMPILED
from bot.core.match import Matcher
from bot.core.rules import RuleSet, parse_rules

AR = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
EN = "abcdefghijklmnopqrstuvwxyz"
SIZES = (10, 1_000, 30_000)
PLANTED = ["شويغو", "Shoigu", "روسيا", "Belousov", "نووي*", "sanction*"]  # in every rule set
SURFACES = ["لشويجو", "Shoigu", "وروسيا", "بروسيا", "Belousov", "النووية", "sanctions"]


def word(rng: random.Random, letters: str, lo: int = 3, hi: int = 8) -> str:
    return "".join(rng.choice(letters) for _ in range(rng.randint(lo, hi)))


def rule_set(n: int, seed: int) -> tuple[RuleSet, list[tuple[str, bool]]]:
    """`n` aliases and terms (about 85% entity aliases, 15% topic terms, a third of those
    prefixes), as a YAML rules file parsed by the real loader; plus (alias/term, prefix)."""
    rng = random.Random(seed)
    entities: dict[str, dict[str, object]] = {
        "shoigu": {"name": "Shoigu", "aliases": ["شويغو", "Shoigu"]},
        "russia": {"name": "Russia", "aliases": ["روسيا"]},
        "belousov": {"name": "Belousov", "aliases": ["Belousov"]},
    }
    topics: dict[str, dict[str, str]] = {
        "nuclear": {"name": "Nuclear", "query": "نووي* OR sanction*"},
    }
    flat: list[tuple[str, bool]] = [(a, a.endswith("*")) for a in PLANTED]
    count = len(PLANTED)
    i = 0
    while count < n:
        i += 1
        if rng.random() < 0.85:
            aliases = []
            for _ in range(min(rng.randint(1, 4), n - count)):
                letters = AR if rng.random() < 0.5 else EN
                alias = " ".join(word(rng, letters, 4, 9) for _ in range(rng.randint(1, 3)))
                aliases.append(alias)
                flat.append((alias, False))
            count += len(aliases)
            entities[f"e{i}"] = {"name": f"Entity {i}", "aliases": aliases}
        else:
            terms = []
            for _ in range(min(rng.randint(2, 6), n - count)):
                letters = AR if rng.random() < 0.5 else EN
                t = word(rng, letters, 4, 9)
                if rng.random() < 0.33:
                    t += "*"
                elif rng.random() < 0.3:
                    t = f'"{t} {word(rng, letters, 4, 8)}"'
                terms.append(t)
                flat.append((t.strip('"'), t.endswith("*")))
            count += len(terms)
            topics[f"t{i}"] = {"name": f"Topic {i}", "query": " OR ".join(terms)}
    text = yaml.safe_dump({"entities": entities, "topics": topics}, allow_unicode=True)
    return parse_rules([("bench.yaml", text)]), flat[:n]


def articles(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    ar_vocab = [word(rng, AR) for _ in range(20_000)]
    en_vocab = [word(rng, EN) for _ in range(20_000)]
    out = []
    for _ in range(count):
        parts: list[str] = []
        size = 0
        while size < 3000:
            vocab = ar_vocab if rng.random() < 0.6 else en_vocab
            sentence = " ".join(rng.choice(vocab) for _ in range(rng.randint(8, 20)))
            if rng.random() < 0.3:
                sentence += " " + rng.choice(SURFACES)
            parts.append(sentence + ".")
            size += len(sentence) + 2
        title = " ".join(rng.choice(ar_vocab) for _ in range(8))
        out.append((title, " ".join(parts)))
    return out


def naive(flat: list[tuple[str, bool]]) -> list[re.Pattern[str]]:
    pats = []
    for text, prefix in flat:
        body = re.escape(text.rstrip("*")) + (r"\w*" if prefix else "")
        pats.append(re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE))
    return pats


def rate(fn: object, docs: list[tuple[str, str]], repeats: int = 5, cold: bool = False) -> float:
    """Articles per CPU second of this process, best of `repeats` (other load on the
    machine inflates wall-clock time, not our CPU time). `cold`: empty the matcher's token
    memo before each run."""
    assert callable(fn)
    best = float("inf")
    for _ in range(repeats):
        clear = getattr(fn, "clear", None)
        if cold and clear is not None:
            clear()
        start = time.process_time()
        for title, text in docs:
            fn(title, text)
        best = min(best, time.process_time() - start)
    return len(docs) / best


def cold_warm(
    matcher: Matcher, docs: list[tuple[str, str]], warm_docs: list[tuple[str, str]]
) -> tuple[float, float]:
    """Articles per second with the memo emptied before each run, then after other articles."""
    cold = rate(Timed(matcher), docs, cold=True)
    for d in warm_docs:
        matcher.match(*d)
    return cold, rate(Timed(matcher), docs)


class Timed:
    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher

    def __call__(self, title: str, text: str) -> None:
        self.matcher.match(title, text)

    def clear(self) -> None:
        self.matcher.lexicon.forget()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--naive-articles", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    # One core: the matcher is single-threaded and the timings are this process's CPU time.
    docs = articles(args.articles, args.seed)
    warm_docs = articles(args.articles, args.seed + 1)  # other articles, same vocabulary
    chars = sum(len(t) + len(x) for t, x in docs) / len(docs)
    print(f"{len(docs)} articles, {chars:.0f} characters on average, one core (CPU time)")
    # a busy machine slows CPU time too (shared caches): say how busy it was
    print("load average at start:", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    print("cold: token memo emptied before the run; warm: after matching other articles")
    memo = "compiled (bot.core._chunkscan)" if COMPILED else "pure Python (C part NOT built)"
    print(f"chunk memo: {memo}; 'py': the pure-Python memo, measured in the same run")
    header = f"{'aliases+terms':>14} {'cold art/s':>11} {'warm art/s':>11} {'py cold':>8}"
    header += f" {'py warm':>8} {'naive art/s':>12} {'warm/naive':>11}"
    print(header + f" {'compiled MB':>12} {'compile s':>10} {'hits/art':>9}")
    rates: dict[int, float] = {}
    colds: dict[int, float] = {}
    for n in SIZES:
        rules, flat = rule_set(n, args.seed)
        tracemalloc.start()
        t0 = time.perf_counter()
        matcher = Matcher(rules)
        compile_s = time.perf_counter() - t0
        mb = tracemalloc.get_traced_memory()[0] / 1e6
        tracemalloc.stop()
        matcher.match(*docs[0])  # warm-up
        hits = sum(len(matcher.match(*d).entities) for d in docs[:50]) / 50
        cold, ours = cold_warm(matcher, docs, warm_docs)
        py_cold, py_warm = cold_warm(Matcher(rules, compiled=False), docs, warm_docs)
        pats = naive(flat)

        def run_naive(title: str, text: str) -> None:
            doc = f"{title}\n{text}"
            for p in pats:  # noqa: B023
                p.search(doc)

        base = rate(run_naive, docs[: args.naive_articles], repeats=1)
        rates[n] = ours
        colds[n] = cold
        print(
            f"{n:>14,} {cold:>11,.0f} {ours:>11,.0f} {py_cold:>8,.0f} {py_warm:>8,.0f}"
            f" {base:>12,.1f} {ours / base:>10,.0f}x"
            f" {mb:>12.1f} {compile_s:>10.2f} {hits:>9.1f}"
        )
    last, first = SIZES[-1], SIZES[0]
    print(
        f"rate at {last:,} / rate at {first}: warm {rates[last] / rates[first]:.2f},"
        f" cold {colds[last] / colds[first]:.2f}"
    )


if __name__ == "__main__":
    main()
