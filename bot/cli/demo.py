"""`newswatch demo`: one full offline cycle over the bundled sample outlets.

The outlets are served from a loopback HTTP server; everything after that is the daemon's
own code: the fetcher, feedparser and trafilatura, the matcher, the story index, the SQLite
store, the outbox and the console sender.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bot.app.assembly import assemble, fetch_once, make_senders
from bot.app.deliver import Vocabulary, run_digest
from bot.cli.common import CliError
from bot.config import ConfigError, Secrets, config_from_text
from bot.core.rules import RulesError
from bot.demo.server import DemoSite, config_text
from bot.store import StoreError
from bot.store.base import utcnow
from bot.store.postgres import is_postgres_url, redact


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="one offline cycle over bundled sample outlets")
    p.add_argument(
        "--db",
        metavar="FILE|URL",
        help="keep the database here: a SQLite file or a postgresql://user@host:port/db URL "
        "(default: a temporary file)",
    )
    p.add_argument(
        "--rules-home",
        metavar="DIR",
        default=".",
        help="folder whose rules/*.yaml the demo matches with (default: the current folder)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    now = utcnow().replace(microsecond=0)
    with contextlib.ExitStack() as stack:
        db: Path | str
        if not args.db:
            db = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newswatch-demo-")))
            db = db / "demo.db"
        else:  # a PostgreSQL URL leaves no file anywhere
            db = args.db if is_postgres_url(args.db) else Path(args.db)
        with DemoSite(now) as site:
            print(f"newswatch demo: sample outlets served at {site.base_url}")
            asyncio.run(_cycle(site.base_url, Path(args.rules_home), db, now))
    print(
        f"demo finished in {time.monotonic() - started:.1f}s; database: "
        f"{_shown(args.db) if args.db else 'temporary, removed'}"
    )
    return 0


async def _cycle(base_url: str, home: Path, db: Path | str, now: datetime) -> None:
    try:
        config = config_from_text(config_text(base_url), "<demo config>", home.resolve(), {})
    except ConfigError as exc:
        raise CliError(f"demo configuration: {exc}") from None
    if not config.rule_paths():
        raise CliError(
            f"no rule files found at {home.resolve() / 'rules'}/*.yaml; "
            "run from the project folder or pass --rules-home"
        )
    try:
        instance = assemble(config, db)
    except RulesError as exc:
        raise CliError(f"invalid rules:\n{exc}") from None
    except ConfigError as exc:
        raise CliError(f"invalid configuration:\n{exc}") from None
    except StoreError as exc:
        raise CliError(str(exc)) from None
    store, rules = instance.store, instance.rules
    try:
        print(f"rules: {len(rules.entities)} entities, {len(rules.topics)} topics\n")
        print("fetch:")
        for report in await fetch_once(instance, now):
            detail = report.error if report.error else f"{report.new} new of {report.items}"
            print(f"  {report.source_id:<10} {report.status:<9} {detail}")
        stories = store.stories_since(now - timedelta(days=7))
        multi = [s for s in stories if len(s.outlets) > 1]
        print(
            f"\n{store.article_count()} articles in {len(stories)} stories, "
            f"{len(multi)} reported by several outlets\n"
        )
        senders = make_senders(
            config.settings, Secrets(), sys.stdout
        )  # no tokens: the console only
        vocab = Vocabulary.from_rules(rules)
        for channel in config.channels:
            print(
                f"===== digest for channel {channel.id!r} "
                f"({', '.join(s.target for s in channel.subscriptions)}) =====\n"
            )
            digest = await run_digest(store, channel.id, senders, vocab, now)
            if digest.stories == 0:
                print("(nothing new for this channel)\n")
    finally:
        instance.close()


def _shown(db: str) -> str:
    """The database as it may be printed: a URL without any password."""
    return redact(db) if is_postgres_url(db) else db
