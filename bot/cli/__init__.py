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
from bot.cli.common import CliError

# Each module in this package with a `register(subparsers)` adds its commands.


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser; with `only`, just that command module's (imports one module)."""
    parser = argparse.ArgumentParser(
        prog="newswatch",
        description="Self-hosted news alerting: fetch, match, group and deliver news.",
    )
    parser.add_argument("--version", action="version", version=f"newswatch {bot.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "common" or (only is not None and info.name != only):
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
    first = next((a for a in args if not a.startswith("-")), None)
    if first is None or first == "common":
        return None
    names = {info.name for info in pkgutil.iter_modules(__path__)}
    return first if first in names else None


# The exit status of a command whose reader went away (`newswatch stories | head`), as a shell
# reports a process ended by SIGPIPE.
BROKEN_PIPE_STATUS = 128 + 13


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser(_command_module(argv))
        args = parser.parse_args(argv)
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
