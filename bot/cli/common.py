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
