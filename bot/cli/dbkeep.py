"""`newswatch db prune [--dry-run]`, `db stats`, `db backup FILE`: keeping the database to the
`retention` settings, seeing where its bytes are, and a consistent copy of a live file."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from bot.cli.common import CliError, add_config_arguments, database_path, open_config, open_store
from bot.cli.output import add_json_flag, print_json


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def run_prune(args: argparse.Namespace) -> int:
    from bot.app.retention import horizons, prune_store
    from bot.store import StoreError
    from bot.store.base import utcnow

    config = open_config(args)
    keep = config.settings.retention
    now = utcnow()
    cut = horizons(config.settings, now)
    where = str(database_path(args, config))
    store = open_store(args, config, existing=True)
    try:
        if args.dry_run:
            counts = store.prune_preview(cut)
            space = store.space()
            result: dict[str, Any] = {"database": where, "dry_run": True, "removed": counts}
        else:
            report = asyncio.run(prune_store(store, config.settings, now, switch_vacuum=True))
            counts, space = report.removed, store.space()
            result = {
                "database": where,
                "dry_run": False,
                "removed": counts,
                "switched_to_incremental_vacuum": report.switched,
                "bytes_before": report.bytes_before,
                "bytes_after": report.bytes_after,
                "seconds": round(report.seconds, 3),
            }
    except StoreError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    result["horizons"] = cut
    result["vacuum"] = space.vacuum
    if args.json:
        print_json(result)
        return 0
    kept = (
        f"text {keep.text_days} days, articles {keep.articles_days}, stories "
        f"{keep.stories_days}, deliveries {keep.deliveries_days}"
    )
    if result.get("switched_to_incremental_vacuum"):
        print(f"switched {where} to incremental vacuum (one full VACUUM): the file now shrinks")
    print(f"{'would remove' if args.dry_run else 'removed'} from {where} (kept: {kept}):")
    print(f"  {'table':<15} {'rows':>10}")
    for table, n in counts.items():
        note = "   (text cut to its lead)" if table == "articles_text" and n else ""
        print(f"  {table:<15} {n:>10,}{note}")
    if space.vacuum == "autovacuum":
        print("PostgreSQL: autovacuum reuses the freed space (no VACUUM run here)")
    if args.dry_run:
        print(f"nothing removed (--dry-run); database {_size(space.total_bytes)}")
    else:
        print(
            f"database {_size(result['bytes_before'])} -> {_size(result['bytes_after'])} "
            f"in {result['seconds']:.1f}s"
        )
    return 0


def run_stats(args: argparse.Namespace) -> int:
    from bot.store import StoreError

    config = open_config(args)
    where = str(database_path(args, config))
    store = open_store(args, config, existing=True)
    try:
        sizes, space = store.table_sizes(), store.space()
    except StoreError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    if args.json:
        print_json(
            {
                "database": where,
                "total_bytes": space.total_bytes,
                "free_bytes": space.free_bytes,
                "vacuum": space.vacuum,
                "tables": sizes,
            }
        )
        return 0
    print(
        f"{where}: {_size(space.total_bytes)} (free inside: {_size(space.free_bytes)}; "
        f"vacuum: {space.vacuum})"
    )
    print(f"  {'table':<20} {'rows':>10} {'bytes':>10}")
    for t in sizes:
        print(f"  {t.table:<20} {t.rows:>10,} {_size(t.bytes):>10}")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    from bot.store import StoreError

    config = open_config(args)
    where = str(database_path(args, config))
    target = Path(args.file)
    store = open_store(args, config, existing=True)
    try:
        store.backup_to(target)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    print(f"backed up {where} to {target} ({_size(target.stat().st_size)})")
    return 0


def register_upkeep(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    prune = actions.add_parser(
        "prune",
        help="remove what the retention settings no longer keep, and shrink the file",
        description="Remove what the `retention` settings no longer keep: article text after "
        "retention.text_days (title, link and lead stay), articles after "
        "retention.articles_days, closed stories after retention.stories_days, sent or "
        "failed messages and delivery records after retention.deliveries_days. Nothing an "
        "open story, a message still to send or a mute needs is removed. A SQLite file not "
        "yet in incremental vacuum mode is switched once (a full VACUUM), then shrinks after "
        "each prune; on PostgreSQL autovacuum reuses the space. The daemon prunes every "
        "retention.every_hours by itself.",
    )
    prune.add_argument(
        "--dry-run", action="store_true", help="say what would go, per table; remove nothing"
    )
    add_json_flag(prune)
    add_config_arguments(prune)
    prune.set_defaults(func=run_prune)

    stats = actions.add_parser(
        "stats",
        help="rows and bytes per table",
        description="Rows and bytes on disk per table (indexes counted with their table), "
        "the database's size, the free space inside a SQLite file and its vacuum mode.",
    )
    add_json_flag(stats)
    add_config_arguments(stats)
    stats.set_defaults(func=run_stats)

    backup = actions.add_parser(
        "backup",
        help="copy the live SQLite database to a new file (online backup)",
        description="Copy the SQLite database to FILE with SQLite's online backup: one "
        "consistent snapshot while the daemon goes on writing; the copy is a single file, "
        "checked before it gets its name. FILE must not exist. On PostgreSQL use pg_dump.",
    )
    backup.add_argument("file", metavar="FILE", help="the new file to write")
    add_config_arguments(backup)
    backup.set_defaults(func=run_backup)
