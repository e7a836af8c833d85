"""`newswatch sources …`: every source, configured or added (import, add), and each one's
state; adding, removing, pausing and resuming them. Which sources exist and which run is
decided in one place (bot.app.sourcelist, bot.core.commands.sourcebook) for this command,
`fetch`, the daemon, the chat and the web page alike."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import CliError, add_config_arguments, open_config, open_store
from bot.cli.discover import add_discover
from bot.cli.output import add_json_flag, local_time, plural, print_json
from bot.cli.sourceopts import add_request_arguments, request_from_args, request_summary
from bot.config import Config
from bot.core.commands.sourcebook import SourceEntry, SourceProblem
from bot.core.opml import OpmlError, parse_opml, write_opml
from bot.sources.kinds import DEFAULT_KIND, opml_forms
from bot.store import SourceState

if TYPE_CHECKING:
    from bot.store import Store

WHO = "cli"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sources",
        help="list, add, remove, pause and resume sources; OPML import and export",
        description="Every source, from the configuration file or added to the database. "
        "Exit status: 0 done, 1 refused or failed (the message says why), 2 bad usage or "
        "configuration (an unknown id, with the closest ones).",
    )
    sub = parser.add_subparsers(dest="sources_command", metavar="ACTION")
    sub.required = True

    p = sub.add_parser("import", help="add the feeds of an OPML file (kept in the database)")
    p.add_argument("file", metavar="FILE.opml")
    add_config_arguments(p)
    p.set_defaults(func=run_import)

    p = sub.add_parser("export", help="write every source (configured and added) as OPML")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    add_config_arguments(p)
    p.set_defaults(func=run_export)

    p = sub.add_parser(
        "list", help="each source: running, paused or disabled; last success, error, next check"
    )
    add_json_flag(p)
    add_config_arguments(p)
    p.set_defaults(func=run_list)

    add_discover(sub)

    p = sub.add_parser(
        "add",
        help="add a feed by its URL (fetched once: its kind is read from what it serves)",
        description="Fetch URL once, tell what it is (its kind and item count) and keep it in "
        "the database as a source fetched from the next cycle. An address that is not a feed "
        "is refused.",
    )
    p.add_argument("url", metavar="URL")
    p.add_argument("--id", dest="source_id", help="the source's id (default: from the host)")
    p.add_argument("--name", default="", help="the name shown in digests (default: the id)")
    add_request_arguments(p)
    add_config_arguments(p)
    p.set_defaults(func=run_add)

    p = sub.add_parser(
        "remove",
        help="forget a source added to the database (its articles stay); "
        "configured ones are removed in the file",
    )
    p.add_argument("source", metavar="ID|URL")
    add_config_arguments(p)
    p.set_defaults(func=run_remove)

    for name, also, func, text in (
        (
            "disable",
            "pause",
            run_disable,
            "pause a source until someone resumes it (kept across restarts and re-reads of "
            "the configuration)",
        ),
        (
            "enable",
            "resume",
            run_enable,
            "resume a paused source (one the file disables stays off: edit the file)",
        ),
    ):
        for word, helped in ((name, text), (also, f"the same as `sources {name}`")):
            p = sub.add_parser(word, help=helped)
            p.add_argument("source", metavar="ID|URL")
            add_config_arguments(p)
            p.set_defaults(func=func)


def _opened(args: argparse.Namespace, existing: bool = False) -> tuple[Config, Store]:
    """The configuration and its database, the file's sources mirrored into it."""
    config = open_config(args)
    store = open_store(args, config, existing=existing)
    try:
        store.sync_sources(config.sources)
    except BaseException:
        store.close()
        raise
    return config, store


def _problem(exc: SourceProblem) -> CliError:
    return CliError(str(exc), 2 if exc.usage else 1)


def _change(args: argparse.Namespace, act: Callable[[Store, Config], str]) -> int:
    """Open, act (SourceProblem becomes the exit status), print what changed."""
    config, store = _opened(args)
    try:
        message = act(store, config)
    except SourceProblem as exc:
        raise _problem(exc) from None
    finally:
        store.close()
    print(message)
    return 0


def run_add(args: argparse.Namespace) -> int:
    from bot.app.sourceadd import add_source
    from bot.core.commands.texts import text
    from bot.sources.http import FetchSettings
    from bot.store.base import utcnow

    request = request_from_args(args)  # refused before anything is opened or fetched
    config, store = _opened(args)
    try:
        source, found = asyncio.run(
            add_source(
                store,
                config.sources,
                FetchSettings.from_settings(config.settings.fetch),
                args.url,
                by=("cli", WHO),
                now=utcnow(),
                interval=config.settings.fetch.interval,
                source_id=args.source_id,
                name=args.name,
                request=request,
            )
        )
    except SourceProblem as exc:
        raise _problem(exc) from None
    finally:
        store.close()
    key = "source.added" if found.items else "source.added_empty"
    print(text("en", key, id=source.id, kind=found.kind, url=source.url, items=found.items))
    if found.note:
        print(found.note)
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from bot.core.commands.sourcebook import remove
    from bot.core.commands.texts import text

    def act(store: Store, config: Config) -> str:
        entry = remove(store, args.source)
        return text("en", "source.removed", id=entry.source.id, url=entry.source.url)

    return _change(args, act)


def run_disable(args: argparse.Namespace) -> int:
    from bot.core.commands.sourcebook import pause
    from bot.core.commands.texts import text
    from bot.store.base import utcnow

    def act(store: Store, config: Config) -> str:
        entry, changed = pause(store, args.source, WHO, utcnow())
        if changed:
            return text("en", "source.paused", id=entry.source.id)
        when = local_time(entry.paused_at, config.settings.timezone)
        return text("en", "source.paused_same", id=entry.source.id, by=entry.paused_by, when=when)

    return _change(args, act)


def run_enable(args: argparse.Namespace) -> int:
    from bot.core.commands.sourcebook import resume
    from bot.core.commands.texts import text

    def act(store: Store, config: Config) -> str:
        entry, changed = resume(store, args.source)
        key = "source.resumed" if changed else "source.resumed_same"
        return text("en", key, id=entry.source.id)

    return _change(args, act)


def run_import(args: argparse.Namespace) -> int:
    from bot.store.base import utcnow

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
    paused = {o.source.url for o in found if o.paused}
    _, store = _opened(args)
    try:
        added = store.add_sources([o.source for o in found], origin="opml", added_by=WHO)
        now = utcnow()
        for s in added:  # exported as not running: added paused (a known one keeps its state)
            if s.url in paused:
                store.set_source_pause(s.id, now, WHO)
    finally:
        store.close()
    for s in added:
        print(f"added {s.id}  {s.url}" + ("  (paused)" if s.url in paused else ""))
    print(f"{len(added)} added, {len(found) - len(added)} already known")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from bot.app.sourcelist import known_sources

    config, store = _opened(args, existing=True)
    try:
        entries = known_sources(config.sources, store)
    finally:
        store.close()
    stopped = {e.source.id for e in entries if not e.runs}  # paused, or disabled by the file
    text = write_opml([e.source for e in entries], opml_forms(), DEFAULT_KIND, paused=stopped)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def status_of(entry: SourceEntry, state: SourceState) -> str:
    if not entry.source.enabled:
        return "disabled"
    if entry.paused:
        return "paused"
    if state.failing:
        return f"FAILING ({state.error_count} errors)"
    if state.error_count:
        return f"error ({state.error_count})"
    if state.warning:
        return "WARNING"
    return "ok" if state.last_success_at else "never checked"


def run_list(args: argparse.Namespace) -> int:
    from bot.app.sourcelist import known_sources

    config, store = _opened(args, existing=True)
    try:
        entries = known_sources(config.sources, store)
        states = {s.id: s for s in store.source_states()}
        waiting = {sid: len(items) for sid, items in store.waiting_items().items()}
    finally:
        store.close()
    rows: list[dict[str, object]] = []
    for e in entries:
        s = e.source
        st = states.get(s.id, SourceState(id=s.id))
        rows.append(
            {
                "id": s.id,
                "kind": s.kind,
                "origin": e.origin,
                "url": s.url,
                "state": e.state,
                "paused_at": e.paused_at,
                "paused_by": e.paused_by,
                "status": status_of(e, st),
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
                "request": request_summary(s),
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
        if r["paused_by"]:
            print(f"{pad}  paused by {r['paused_by']} at {when('paused_at')}")
        if r["last_error"]:
            print(f"{pad}  last error {when('last_error_at')}: {r['last_error']}")
        if r["warning"]:
            print(f"{pad}  warning: {r['warning']}")
        if isinstance(r["request"], dict):
            shown = ", ".join(f"{k} {v}" for k, v in r["request"].items())
            print(f"{pad}  request options: {shown}")
        waiting, page_errors = r["waiting"], r["page_errors"]
        if isinstance(waiting, int) and waiting:
            print(f"{pad}  {plural(waiting, 'item')} waiting for their article page")
        if isinstance(page_errors, int) and page_errors:
            errors = plural(page_errors, "page error")
            print(f"{pad}  {errors}, last {when('last_page_error_at')}: {r['last_page_error']}")
