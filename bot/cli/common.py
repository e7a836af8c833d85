"""What every command shares: finding the configuration and opening the store.

Only the configuration is imported here: a command checks it before importing the store,
the fetcher or the chat libraries, so a bad value is refused within a second.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Config, ConfigError, find_config_file, load_config

if TYPE_CHECKING:
    from bot.store import Store


class CliError(Exception):
    """A message for the user and the exit status to leave with."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def add_config_arguments(parser: argparse.ArgumentParser, db: bool = True) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: $NEWSWATCH_CONFIG, else ./newswatch.yaml)",
    )
    if db:
        parser.add_argument(
            "--db",
            metavar="FILE|URL",
            help="SQLite file or postgresql://user@host:port/db URL (overrides the config)",
        )


def positive_int(value: str) -> int:
    """An argparse type: a whole number of at least 1 (`--limit 0` asks for nothing)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def duration(value: str) -> int:
    """An argparse type: seconds from `90m`, `24h`, `7d`, `2w` (or plain seconds)."""
    from bot.settings import parse_duration

    seconds = parse_duration(value)
    if seconds is None or seconds < 1:
        raise argparse.ArgumentTypeError(
            f"not a duration: {value!r} (a number with s, m, h, d or w: 90m, 24h, 7d, 2w)"
        )
    return seconds


def since_argument(parser: argparse.ArgumentParser, default: str, what: str) -> None:
    """`--since DURATION`, parsed to seconds (args.since) and refused at parse time."""
    parser.add_argument(
        "--since",
        type=duration,
        default=default,
        metavar="DURATION",
        help=f"{what} (90m, 24h, 7d, 2w; default {default})",
    )


def open_config(args: argparse.Namespace) -> Config:
    try:
        return load_config(find_config_file(getattr(args, "config", None)))
    except ConfigError as exc:
        raise CliError(f"invalid configuration:\n{exc}") from None


def database_path(args: argparse.Namespace, config: Config) -> Path | str:
    """The --db value (a file, or a URL kept as text), else the configuration's."""
    from bot.store.postgres import is_postgres_url

    db = getattr(args, "db", None)
    if not db:
        return config.database
    return db if is_postgres_url(db) else Path(db)


def open_store(args: argparse.Namespace, config: Config, existing: bool = False) -> Store:
    """The command's database; with `existing`, a SQLite file that is not there is an error.

    Commands that only read pass `existing=True`, so that `stories --db typo.db` or a command
    run outside the configured folder says so instead of creating an empty database.
    """
    from bot.app.assembly import open_store as open_database
    from bot.store import StoreError

    database = database_path(args, config)
    if existing and isinstance(database, Path) and not database.exists():
        if getattr(args, "db", None):
            where = "--db"
        elif config.file == "<defaults>":
            where = "the default `database`: no configuration file was found"
        else:
            where = f"`database` in {config.file}"
        raise CliError(
            f"no database at {database} (from {where}): check the path, or create it with "
            "`newswatch fetch`"
        )
    try:
        return open_database(database)
    except StoreError as exc:
        raise CliError(str(exc)) from None


def apply_global_options(args: argparse.Namespace) -> None:
    """`newswatch --config X --db Y COMMAND`: the values given before the command become the
    command's own (its own --config/--db, given after it, win). A command that reads no
    configuration or database refuses them rather than ignoring them silently."""
    for name in ("config", "db"):
        value = getattr(args, f"global_{name}", None)
        if value is None:
            continue
        if not hasattr(args, name):
            raise CliError(f"--{name}: `newswatch {args.command}` takes no --{name}")
        if getattr(args, name) is None:
            setattr(args, name, value)
