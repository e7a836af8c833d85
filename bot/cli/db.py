"""`newswatch db …`: database upkeep.

- copy --from A --to B: move an installation between SQLite and PostgreSQL (either way),
  every table's row count checked on both ends afterwards;
- prune, stats, backup: retention and maintenance (bot/cli/dbkeep.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.app.assembly import open_store
from bot.cli.common import CliError
from bot.cli.dbkeep import register_upkeep
from bot.store import Store, StoreError
from bot.store.copy import TableCount, copy_store, same_place
from bot.store.postgres import is_postgres_url, redact


def _target(value: str) -> Path | str:
    return value if is_postgres_url(value) else Path(value)


def _shown(value: Path | str) -> str:
    return redact(value) if isinstance(value, str) else str(value)


def run_copy(args: argparse.Namespace) -> int:
    source, target = _target(args.source), _target(args.target)
    if same_place(source, target):
        raise CliError(f"--from and --to name the same database: {_shown(source)}")
    if isinstance(source, Path) and not source.is_file():
        raise CliError(f"--from {source}: no such file")
    opened: list[Store] = []
    try:
        opened.append(open_store(source))
        opened.append(open_store(target))
        counts = copy_store(opened[0], opened[1])
    except StoreError as exc:
        raise CliError(str(exc)) from None
    finally:
        for store in reversed(opened):
            store.close()
    return _report(counts, _shown(source), _shown(target))


def _report(counts: list[TableCount], source: str, target: str) -> int:
    print(f"copied {source} -> {target}")
    print(f"  {'table':<18} {'source':>9} {'target':>9}")
    for c in counts:
        flag = "" if c.source == c.target else "   MISMATCH"
        print(f"  {c.table:<18} {c.source:>9} {c.target:>9}{flag}")
    wrong = [c.table for c in counts if c.source != c.target]
    if wrong:
        print(f"newswatch: row counts differ in {', '.join(wrong)}: check the target")
        return 1
    print(f"counts match: {sum(c.target for c in counts)} rows in {len(counts)} tables")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "db", help="database upkeep: prune, stats, backup, copy between SQLite and PostgreSQL"
    )
    actions = p.add_subparsers(dest="db_command", metavar="ACTION")
    actions.required = True
    copy = actions.add_parser(
        "copy",
        help="copy every table into an empty database, counts checked",
        description="Copy a whole installation: a SQLite file to a PostgreSQL URL or back "
        "(postgresql://user@host:port/db, password from NEWSWATCH_DATABASE_PASSWORD). The "
        "target must be empty; it is written in one transaction.",
    )
    copy.add_argument("--from", dest="source", required=True, metavar="FILE|URL")
    copy.add_argument("--to", dest="target", required=True, metavar="FILE|URL")
    copy.set_defaults(func=run_copy)
    register_upkeep(actions)
