"""`newswatch fetch --once`: one fetch cycle over every enabled source."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bot.cli.common import CliError, add_config_arguments, database_path, open_config
from bot.cli.output import add_json_flag, print_json
from bot.cli.progress import Progress
from bot.config import ConfigError

if TYPE_CHECKING:
    from bot.app.ingest import SourceReport


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "fetch",
        help="fetch every enabled source once and store what is new",
        description="One fetch cycle over every enabled source. Exit status: 0 every source "
        "fine, 1 some sources failed (each listed with its error), 2 bad usage or configuration.",
    )
    add_config_arguments(p)
    p.add_argument("--once", action="store_true", help="one cycle, then exit (the default)")
    p.add_argument("--due", action="store_true", help="only the sources due for a check")
    add_json_flag(p, "print one JSON array, an object per source (README: JSON output)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = open_config(args)
    # imported once the configuration is known good (a bad one is refused quickly)
    from bot.app.assembly import assemble, fetch_once
    from bot.core.rules import RulesError
    from bot.store import StoreError
    from bot.store.base import utcnow

    try:
        instance = assemble(config, database_path(args, config))
    except RulesError as exc:
        raise CliError(f"invalid rules:\n{exc}") from None
    except ConfigError as exc:
        raise CliError(f"invalid configuration:\n{exc}") from None
    except StoreError as exc:
        raise CliError(str(exc)) from None
    try:
        with source_logs_quiet(), Progress("fetch", 0, enabled=not args.json) as bar:
            reports = asyncio.run(fetch_once(instance, utcnow(), args.due, bar))
    finally:
        instance.close()
    if args.json:
        print_json([_as_json(report) for report in reports])
    else:
        for report in reports:
            print(_line(report))
    failed = sum(report.status == "error" for report in reports)
    if failed and not args.json:
        print(f"{failed} of {len(reports)} sources failed", file=sys.stderr)
    return 1 if failed else 0


class _ReportedBySource(logging.Filter):
    """Drops log records about one source: its report line says the same, with its id."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not hasattr(record, "source")


@contextlib.contextmanager
def source_logs_quiet() -> Iterator[None]:
    """While a command prints each source's report (fetch, demo), the log's records about
    one source stay out of the terminal: the report line says the same, once."""
    quiet = _ReportedBySource()
    handlers = [h for h in [*logging.getLogger().handlers, logging.lastResort] if h is not None]
    for handler in handlers:
        handler.addFilter(quiet)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(quiet)


def _as_json(report: SourceReport) -> dict[str, object]:
    return {
        "source": report.source_id,
        "status": report.status,
        "new": report.new,
        "items": report.items,
        "error": report.error,
        "warning": report.warning,
        "page_errors": len(report.page_errors),
        "last_page_error": report.page_errors[-1] if report.page_errors else None,
        "waiting": report.waiting,
        "updated": report.updated,
        "next_check_at": report.next_check_at,
    }


def _line(report: SourceReport) -> str:
    if report.status == "error":
        return f"{report.source_id}: error: {report.error}"
    if report.status == "unchanged":
        line = f"{report.source_id}: unchanged ({report.items} listed)"
    else:
        line = f"{report.source_id}: {report.new} new of {report.items} listed"
    if report.updated:
        line += f", {report.updated} edited"
    if report.waiting:
        line += f", {report.waiting} waiting for their page"
    if report.page_errors:
        line += f", {len(report.page_errors)} page errors (last: {report.page_errors[-1]})"
    if report.warning:
        line += f"; WARNING: {report.warning}"
    return line
