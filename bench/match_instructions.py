"""Matcher cost in instructions per article (valgrind's cachegrind), cold and warm, at 10 and
30,000 aliases and terms: figures that do not drift with the machine's load, as articles per
second do on a shared machine. The 10-term rule set is the baseline measured in the same run:
the ratio says how flat the cost is in rule count.

The rules and articles are those of bench/match.py. Each figure is the difference between two
runs of a child process under cachegrind that load the same compiled matcher (pickled by this
process) and match either the articles or none, so start-up and loading cancel out.
PYTHONHASHSEED is fixed (the script restarts itself with it): the counts repeat exactly.

    .venv/bin/python bench/match_instructions.py [--articles 400]   (needs valgrind)
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import match as bench  # bench/match.py: the same rules and articles

from bot.core.match import Matcher

SIZES = (10, 30_000)
# The child: load the matcher and articles, empty the memo, match `count` of them (cold), or
# first all of them once and then `count` again (warm).
CHILD = """
import pickle, sys
matcher, docs = pickle.load(open(sys.argv[1], "rb"))
mode, count = sys.argv[2], int(sys.argv[3])
matcher.lexicon.forget()
if mode == "warm":
    for d in docs:
        matcher.match(*d)
for d in docs[:count]:
    matcher.match(*d)
"""


def instructions(workload: Path, mode: str, count: int) -> int:
    """Instructions of one child run under cachegrind."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    out = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            "-c",
            CHILD,
            str(workload),
            mode,
            str(count),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=workload.parent,  # `-c` puts the working directory first on sys.path
        check=True,
    ).stderr
    found = re.search(r"I\s+refs:\s+([\d,]+)", out)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if os.environ.get("PYTHONHASHSEED") != "0":  # the pickled sets' layout depends on it
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    sys.setrecursionlimit(100_000)  # pickling the compiled rules nests deeply
    docs = bench.articles(args.articles, args.seed)
    print(f"{len(docs)} articles of bench/match.py, instructions per article (cachegrind)")
    print(f"{'aliases+terms':>14} {'cold':>12} {'warm':>12}")
    per: dict[tuple[int, str], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            rules, _ = bench.rule_set(n, args.seed)
            workload = Path(tmp) / f"matcher-{n}.pickle"
            with workload.open("wb") as f:
                pickle.dump((Matcher(rules), docs), f, protocol=5)
            runs = [(workload, mode, k) for mode in ("cold", "warm") for k in (len(docs), 0)]
            with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
                counts = pool.map(lambda run: instructions(*run), runs)
                got = {(mode, count): n for (_, mode, count), n in zip(runs, counts, strict=True)}
            for mode in ("cold", "warm"):
                per[(n, mode)] = (got[(mode, len(docs))] - got[(mode, 0)]) / len(docs)
            print(f"{n:>14,} {per[(n, 'cold')]:>12,.0f} {per[(n, 'warm')]:>12,.0f}")
    last, first = SIZES[-1], SIZES[0]
    cold, warm = (per[(last, mode)] / per[(first, mode)] for mode in ("cold", "warm"))
    print(f"cost at {last:,} / cost at {first}: cold {cold:.2f}, warm {warm:.2f}")


if __name__ == "__main__":
    main()
