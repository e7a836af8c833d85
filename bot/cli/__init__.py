"""`newswatch` command line: each command opens what it needs, calls one library function,
and turns domain errors into a clean message and exit status (0 ok, 1 check failed,
2 unusable configuration, database or arguments; 141 when the reader of its output went
away, as for any command ended by SIGPIPE)."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

import bot
from bot.cli.common import CliError, apply_global_options

# Each module in this package with a `register(subparsers)` adds its commands; these helpers
# add none.
HELPERS = frozenset({"common", "output", "progress"})

# Options taken before the command (`newswatch --config X fetch`), with their value.
GLOBAL_OPTIONS = ("--config", "--db")


def _version() -> str:
    """The version, and which matcher memo runs: the compiled one is optional at install.
    The module itself is imported, as bot.core.lexicon does (a file that is there but does
    not load is not built), without lexicon's normalisation tables (about 0.1 s)."""
    try:
        importlib.import_module("bot.core._chunkscan")
    except ImportError:
        built = False
    else:
        built = True
    memo = "compiled chunk memo" if built else "pure-Python chunk memo (C part not built)"
    return f"newswatch {bot.__version__} (matching: {memo})"


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser; with `only`, just that command module's (imports one module)."""
    parser = argparse.ArgumentParser(
        prog="newswatch",
        description="Self-hosted news alerting: fetch, match, group and deliver news.",
        epilog="Exit status: 0 done, 1 a check failed (a source, a rule file, a send), 2 bad "
        "usage, configuration or database. Every --json prints one JSON document: times ISO "
        "8601 with offset, null for missing (README: JSON output). `newswatch COMMAND --help` "
        "says what a command does and takes.",
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--config",
        dest="global_config",
        metavar="FILE",
        help="configuration file for the command (the same as its own --config)",
    )
    parser.add_argument(
        "--db",
        dest="global_db",
        metavar="FILE|URL",
        help="database for the command (the same as its own --db)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name in HELPERS or (only is not None and info.name != only):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def _command_module(argv: Sequence[str] | None) -> str | None:
    """The module of the command named on the line, when one is named exactly like it.

    Only that module is imported then: a command checks its configuration before the heavy
    imports (store, fetcher, chat libraries), so a bad value is refused within a second.
    Anything else (no command, --help, a typo) builds the whole parser, listing every command.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    first = None
    for i, arg in enumerate(args):
        if not arg.startswith("-") and not (i and args[i - 1] in GLOBAL_OPTIONS):
            first = arg
            break
    if first is None or first in HELPERS:
        return None
    names = {info.name for info in pkgutil.iter_modules(__path__)}
    return first if first in names else None


# The exit status of a command whose reader went away (`newswatch stories | head`), as a shell
# reports a process ended by SIGPIPE.
BROKEN_PIPE_STATUS = 128 + 13


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser(_command_module(argv))
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # usage errors (2), --help and --version (0), as a status
            return exc.code if isinstance(exc.code, int) else 2
        apply_global_options(args)
        result: int = args.func(args)
        return result
    except CliError as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader stopped reading: that is not an error to show. Point stdout at /dev/null
        # so the interpreter's last flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE_STATUS
