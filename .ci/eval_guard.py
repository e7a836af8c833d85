"""Fail CI when the eval scores on a labelled corpus drop below thresholds.

    python .ci/eval_guard.py [--corpus ../shared/corpus/seeds] [--mentions 1.0]
                             [--topics 1.0] [--stories 0.0]

Runs `newswatch eval` through the same interpreter (`sys.executable -m bot`), so it scores
the installed code exactly as a user would run it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description="fail when eval F1 scores drop")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "seeds"))
    ap.add_argument("--mentions", type=float, default=1.0, help="minimum mentions F1")
    ap.add_argument("--topics", type=float, default=1.0, help="minimum topics F1")
    ap.add_argument("--stories", type=float, default=0.0, help="minimum stories pairwise F1")
    args = ap.parse_args()
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "eval", args.corpus],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        print(f"eval_guard: newswatch eval exited {proc.returncode}", file=sys.stderr)
        return 1
    report = json.loads(proc.stdout)
    scores = {
        "mentions": report["mentions"]["f1"],
        "topics": report["topics"]["f1"],
        "stories": report["stories"]["pairwise_f1"],
    }
    failed = [k for k, v in scores.items() if v < getattr(args, k)]
    for k, v in scores.items():
        mark = "FAIL" if k in failed else "ok"
        print(f"eval_guard: {k} F1 {v:.4f} (minimum {getattr(args, k):.4f}) {mark}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
