"""`newswatch fetch --once`: one fetch cycle over every enabled source."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import TYPE_CHECKING

from bot.cli.common import CliError, add_config_arguments, database_path, open_config
from bot.config import ConfigError

if TYPE_CHECKING:
    from bot.app.ingest import SourceReport


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("fetch", help="fetch every enabled source once and store what is new")
    add_config_arguments(p)
    p.add_argument("--once", action="store_true", help="one cycle, then exit (the default)")
    p.add_argument("--due", action="store_true", help="only the sources due for a check")
    p.add_argument("--json", action="store_true", help="one JSON object per source")
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
        reports = asyncio.run(fetch_once(instance, utcnow(), only_due=args.due))
    finally:
        instance.close()
    for report in reports:
        print(json.dumps(_as_json(report), ensure_ascii=False) if args.json else _line(report))
    return 0


def _as_json(report: SourceReport) -> dict[str, object]:
    from bot.store.base import to_iso

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
        "next_check_at": to_iso(report.next_check_at),
    }


def _line(report: SourceReport) -> str:
    if report.status == "error":
        return f"{report.source_id}: error: {report.error}"
    if report.status == "unchanged":
        line = f"{report.source_id}: unchanged ({report.items} listed)"
    else:
        line = f"{report.source_id}: {report.new} new of {report.items} listed"
    if report.waiting:
        line += f", {report.waiting} waiting for their page"
    if report.page_errors:
        line += f", {len(report.page_errors)} page errors (last: {report.page_errors[-1]})"
    if report.warning:
        line += f"; WARNING: {report.warning}"
    return line
