"""`newswatch eval FOLDER`: scores of the real pipeline on a labelled corpus.

JSON on standard output, a readable table on standard error; exit 0 whatever the scores,
2 when the corpus cannot be read (the message names the file and line).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.app.eval import CorpusError, evaluate, table
from bot.cli.common import CliError
from bot.cli.output import print_json
from bot.cli.progress import Progress


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("eval", help="score matching and story grouping on a labelled corpus")
    p.add_argument("folder", metavar="FOLDER", help="articles.jsonl, rules.yaml, labels.yaml")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        with Progress("eval", 0) as bar:  # on a terminal only; stdout keeps its JSON
            report = evaluate(Path(args.folder), bar)
    except CorpusError as exc:
        raise CliError(f"unreadable corpus: {exc}") from None
    print_json(report)
    print("\n".join(table(report)), file=sys.stderr)
    return 0
