"""`newswatch sources import|export|list`: subscriptions in and out, and each source's state."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from bot.cli.common import CliError, add_config_arguments, open_config, open_store
from bot.cli.discover import add_discover
from bot.cli.output import add_json_flag, local_time, plural, print_json
from bot.core.opml import OpmlError, parse_opml, write_opml
from bot.models import Source
from bot.sources.kinds import DEFAULT_KIND, opml_forms
from bot.store import SourceState


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("sources", help="import, export and list sources")
    sub = parser.add_subparsers(dest="sources_command", metavar="ACTION")
    sub.required = True

    p = sub.add_parser("import", help="add the feeds of an OPML file (kept in the database)")
    p.add_argument("file", metavar="FILE.opml")
    add_config_arguments(p)
    p.set_defaults(func=run_import)

    p = sub.add_parser("export", help="write every source as OPML")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    add_config_arguments(p)
    p.set_defaults(func=run_export)

    p = sub.add_parser("list", help="each source with its last success, last error, next check")
    add_json_flag(p)
    add_config_arguments(p)
    p.set_defaults(func=run_list)

    add_discover(sub)


def run_import(args: argparse.Namespace) -> int:
    config = open_config(args)
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise CliError(f"{args.file}: {exc.strerror or exc}") from None
    try:
        found = parse_opml(data, opml_forms(), DEFAULT_KIND, config.settings.fetch.interval)
    except OpmlError as exc:
        where = f"{exc.line}:{exc.column}:" if exc.line else ""
        raise CliError(f"{args.file}:{where} {exc}") from None
    store = open_store(args, config)
    try:
        store.sync_sources(config.sources)
        added = store.add_sources(found, origin="opml")
    finally:
        store.close()
    for s in added:
        print(f"added {s.id}  {s.url}")
    print(f"{len(added)} added, {len(found) - len(added)} already known")
    return 0


def run_export(args: argparse.Namespace) -> int:
    config = open_config(args)
    store = open_store(args, config, existing=True)
    try:
        sources = store.active_sources(config.sources)
    finally:
        store.close()
    text = write_opml(sources, opml_forms(), DEFAULT_KIND)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def status_of(source: Source, state: SourceState) -> str:
    if not source.enabled:
        return "disabled"
    if state.failing:
        return f"FAILING ({state.error_count} errors)"
    if state.error_count:
        return f"error ({state.error_count})"
    if state.warning:
        return "WARNING"
    return "ok" if state.last_success_at else "never checked"


def run_list(args: argparse.Namespace) -> int:
    config = open_config(args)
    store = open_store(args, config, existing=True)
    try:
        store.sync_sources(config.sources)
        sources = store.active_sources(config.sources)
        states = {s.id: s for s in store.source_states()}
        waiting = {sid: len(items) for sid, items in store.waiting_items().items()}
    finally:
        store.close()
    rows: list[dict[str, object]] = []
    for s in sources:
        st = states.get(s.id, SourceState(id=s.id))
        rows.append(
            {
                "id": s.id,
                "kind": s.kind,
                "origin": st.origin,
                "url": s.url,
                "status": status_of(s, st),
                "failing": st.failing,
                "last_success": st.last_success_at,
                "last_error": st.last_error or None,
                "last_error_at": st.last_error_at,
                "next_check": st.next_check_at,
                "articles": st.articles_total,
                "warning": st.warning or None,
                "page_errors": st.page_error_count,
                "last_page_error": st.last_page_error or None,
                "last_page_error_at": st.last_page_error_at,
                "waiting": waiting.get(s.id, 0),
            }
        )
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no sources: add some to the configuration or `newswatch sources import`")
        return 0
    print_table(rows, config.settings.timezone)
    return 0


def print_table(rows: list[dict[str, object]], zone: str) -> None:
    """The rows for people: a header, times in the configured timezone, details indented."""

    def when(key: str) -> str:
        value = r[key]
        return local_time(value if isinstance(value, datetime) else None, zone, "-")

    width = max(2, *(len(str(r["id"])) for r in rows))
    print(
        f"{'ID':<{width}}  {'KIND':<4}  {'ORIGIN':<6}  {'STATUS':<20}  {'LAST SUCCESS':<22}  "
        f"{'NEXT CHECK':<22}  ARTICLES"
    )
    for r in rows:
        print(
            f"{r['id']:<{width}}  {r['kind']:<4}  {r['origin']:<6}  {r['status']:<20}  "
            f"{when('last_success'):<22}  {when('next_check'):<22}  {r['articles']:>8}"
        )
        pad = " " * width
        if r["last_error"]:
            print(f"{pad}  last error {when('last_error_at')}: {r['last_error']}")
        if r["warning"]:
            print(f"{pad}  warning: {r['warning']}")
        waiting, page_errors = r["waiting"], r["page_errors"]
        if isinstance(waiting, int) and waiting:
            print(f"{pad}  {plural(waiting, 'item')} waiting for their article page")
        if isinstance(page_errors, int) and page_errors:
            errors = plural(page_errors, "page error")
            print(f"{pad}  {errors}, last {when('last_page_error_at')}: {r['last_page_error']}")
