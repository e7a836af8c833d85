"""`newswatch demo`: one full offline cycle over the bundled sample outlets.

The outlets are served from a loopback HTTP server; everything after that is the daemon's
own code: the fetcher, feedparser and trafilatura, the matcher, the story index, the SQLite
store, the outbox and the console sender.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

import bot.demo as demo_package
from bot.app.assembly import assemble, fetch_once, make_senders
from bot.app.deliver import Vocabulary, run_digest
from bot.cli.common import CliError
from bot.cli.fetch import source_logs_quiet
from bot.cli.output import add_json_flag, plural, print_json
from bot.config import ConfigError, Secrets, config_from_text
from bot.core.rules import RulesError
from bot.demo.server import DemoSite, config_text
from bot.store import StoreError
from bot.store.base import utcnow
from bot.store.postgres import is_postgres_url, redact


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help="one offline cycle over bundled sample outlets, digests printed",
        description="Serve the bundled sample outlets on 127.0.0.1, then fetch, match them "
        "against the example rules installed with newswatch, group stories and print each "
        "demo channel's digest. Runs from any folder; nothing reaches the network.",
    )
    p.add_argument(
        "--db",
        metavar="FILE|URL",
        help="keep the database here: a SQLite file or a postgresql://user@host:port/db URL "
        "(default: a temporary file)",
    )
    p.add_argument(
        "--rules-home",
        metavar="DIR",
        help="folder whose rules/*.yaml the demo matches with (default: the example rules "
        "installed with newswatch, bot/demo/rules)",
    )
    add_json_flag(p)
    p.set_defaults(func=run)


# The example rules ship inside the package (pyproject's package-data), so an installed copy
# runs its own demo from any folder; the repository's rules/ is a link to them.
PACKAGE_HOME = Path(demo_package.__file__).resolve().parent


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
        home = Path(args.rules_home) if args.rules_home else PACKAGE_HOME
        # With --json, what the demo says goes into one document instead of the terminal.
        out = io.StringIO() if args.json else sys.stdout
        with DemoSite(now) as site:
            print(f"newswatch demo: sample outlets served at {site.base_url}", file=out)
            summary = asyncio.run(_cycle(site.base_url, home, db, now, out))
    database = _shown(args.db) if args.db else None
    if args.json:
        print_json({**summary, "database": database})
        return 0
    print(
        f"demo finished in {time.monotonic() - started:.1f}s; database: "
        f"{database or 'temporary, removed'}"
    )
    return 0


async def _cycle(
    base_url: str, home: Path, db: Path | str, now: datetime, out: TextIO
) -> dict[str, object]:
    """The cycle, told on `out`; returns what it did (the --json document)."""
    try:
        config = config_from_text(config_text(base_url), "<demo config>", home.resolve(), {})
    except ConfigError as exc:
        raise CliError(f"demo configuration: {exc}") from None
    if not config.rule_paths():
        raise CliError(
            f"no rule files found at {home.resolve() / 'rules'}/*.yaml; "
            "leave out --rules-home to use the example rules installed with newswatch"
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
        entities = plural(len(rules.entities), "entity", "entities")
        print(f"rules: {entities}, {plural(len(rules.topics), 'topic')}\n", file=out)
        print("fetch:", file=out)
        with source_logs_quiet():  # each source's line below says what failed
            reports = await fetch_once(instance, now)
        for report in reports:
            detail = report.error if report.error else f"{report.new} new of {report.items}"
            if report.page_errors:
                errors = plural(len(report.page_errors), "page error")
                detail += f"; {errors}, stored on the feed text (last: {report.page_errors[-1]})"
            print(f"  {report.source_id:<10} {report.status:<9} {detail}", file=out)
        stories = store.stories_since(now - timedelta(days=7))
        multi = [s for s in stories if len(s.outlets) > 1]
        articles = store.article_count()
        print(
            f"\n{plural(articles, 'article')} in {plural(len(stories), 'story', 'stories')}, "
            f"{len(multi)} reported by several outlets\n",
            file=out,
        )
        vocab = Vocabulary.from_rules(rules)
        digests: list[dict[str, object]] = []
        for channel in config.channels:
            # no tokens: the console only; each digest's text kept apart for --json
            text = io.StringIO()
            senders = make_senders(config.settings, Secrets(), text)
            print(
                f"===== digest for channel {channel.id!r} "
                f"({', '.join(s.target for s in channel.subscriptions)}) =====\n",
                file=out,
            )
            digest = await run_digest(store, channel.id, senders, vocab, now)
            out.write(text.getvalue())
            if digest.stories == 0:
                print("(nothing new for this channel)\n", file=out)
            digests.append(
                {"channel": channel.id, "stories": digest.stories, "text": text.getvalue()}
            )
    finally:
        instance.close()
    return {
        "rules": {"entities": len(rules.entities), "topics": len(rules.topics)},
        "fetch": [
            {
                "source": r.source_id,
                "status": r.status,
                "new": r.new,
                "items": r.items,
                "error": r.error,
                "page_errors": list(r.page_errors),
            }
            for r in reports
        ],
        "articles": articles,
        "stories": len(stories),
        "several_outlets": len(multi),
        "digests": digests,
    }


def _shown(db: str) -> str:
    """The database as it may be printed: a URL without any password."""
    return redact(db) if is_postgres_url(db) else db
