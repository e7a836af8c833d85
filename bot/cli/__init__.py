"""`newswatch` command line: each command opens what it needs, calls one library function,
and turns domain errors into a clean message and exit status (0 ok, 1 check failed,
2 unusable configuration, database or arguments)."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import bot
from bot.cli.common import CliError

# Each module in this package with a `register(subparsers)` adds its commands.


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newswatch",
        description="Self-hosted news alerting: fetch, match, group and deliver news.",
    )
    parser.add_argument("--version", action="version", version=f"newswatch {bot.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "common":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
        return result
    except CliError as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130
