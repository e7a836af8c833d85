"""`newswatch sources import|export|list`: subscriptions in and out, and each source's state."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from bot.cli.common import CliError, add_config_arguments, open_config, open_store
from bot.cli.discover import add_discover
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
    p.add_argument("--json", action="store_true", help="machine-readable output")
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
        raise CliError(f"{args.file}: {exc}") from None
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


def _when(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M") if dt else "-"


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
    rows: list[dict[str, str | int | bool]] = []
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
                "last_success": _when(st.last_success_at),
                "last_error": st.last_error or "",
                "last_error_at": _when(st.last_error_at),
                "next_check": _when(st.next_check_at),
                "articles": st.articles_total,
                "warning": st.warning or "",
                "page_errors": st.page_error_count,
                "last_page_error": st.last_page_error or "",
                "last_page_error_at": _when(st.last_page_error_at),
                "waiting": waiting.get(s.id, 0),
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no sources: add some to the configuration or `newswatch sources import`")
        return 0
    width = max(len(str(r["id"])) for r in rows)
    for r in rows:
        print(
            f"{r['id']:<{width}}  {r['kind']:<4}  {r['origin']:<6}  {r['status']:<20}  "
            f"ok {r['last_success']:<16}  next {r['next_check']:<16}  {r['articles']:>5} articles"
        )
        pad = " " * width
        if r["last_error"]:
            print(f"{pad}  last error {r['last_error_at']}: {r['last_error']}")
        if r["warning"]:
            print(f"{pad}  warning: {r['warning']}")
        if r["waiting"]:
            print(f"{pad}  {r['waiting']} items waiting for their article page")
        if r["page_errors"]:
            print(
                f"{pad}  {r['page_errors']} page errors, last {r['last_page_error_at']}: "
                f"{r['last_page_error']}"
            )
    return 0
