"""`newswatch stories`: the current stories, each with its outlets and their links."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta

from bot.cli.common import CliError, add_config_arguments, open_config, open_store
from bot.models import Story
from bot.settings import parse_duration
from bot.web.present import story_json  # one JSON shape for the CLI and the web API


def story_text(story: Story) -> str:
    head = (
        f"#{story.id}  {story.title}\n"
        f"    {story.first_seen:%Y-%m-%d %H:%M} – {story.last_seen:%Y-%m-%d %H:%M} UTC, "
        f"{len(story.outlets)} outlet(s), {len(story.article_ids)} article(s)"
    )
    lines = [head] + [f"    - {o.name}: {o.url}" for o in story.outlets]
    if story.entity_ids:
        lines.append(f"    entities: {', '.join(story.entity_ids)}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    seconds = parse_duration(args.since)
    if seconds is None:
        raise CliError(f"--since: not a duration: {args.since!r} (e.g. 90m, 24h, 3d)")
    config = open_config(args)
    store = open_store(args, config, existing=True)
    try:
        since = datetime.now(UTC) - timedelta(seconds=seconds)
        stories = store.stories_since(since, limit=args.limit, open_only=args.open)
    finally:
        store.close()
    if args.json:
        print(json.dumps([story_json(s) for s in stories], ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(story_text(s) for s in stories) if stories else "no stories")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("stories", help="list current stories with their outlets")
    p.add_argument("--since", default="24h", help="stories seen within this long (default 24h)")
    p.add_argument("--limit", type=int, default=200, help="at most this many (default 200)")
    p.add_argument("--open", action="store_true", help="only stories still open to articles")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_config_arguments(p)
    p.set_defaults(func=run)
