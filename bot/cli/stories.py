"""`newswatch stories`: the current stories, each with its outlets and their links."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.cli.common import (
    add_config_arguments,
    open_config,
    open_store,
    positive_int,
    since_argument,
)
from bot.cli.output import add_json_flag, local_time, plural, print_json
from bot.models import Story
from bot.web.present import story_json  # one JSON shape for the CLI and the web API


def story_text(story: Story, zone: str = "UTC") -> str:
    """A story for people: its times in the configured timezone, every outlet's link."""
    head = (
        f"#{story.id}  {story.title}\n"
        f"    {local_time(story.first_seen, zone)} – {local_time(story.last_seen, zone)}, "
        f"{plural(len(story.outlets), 'outlet')}, {plural(len(story.article_ids), 'article')}"
    )
    lines = [head] + [f"    - {o.name}: {o.url}" for o in story.outlets]
    if story.entity_ids:
        lines.append(f"    entities: {', '.join(story.entity_ids)}")
    return "\n".join(lines)


def as_json(story: Story) -> dict[str, Any]:
    """The web API's shape, its times written as every --json writes them."""
    return {**story_json(story), "first_seen": story.first_seen, "last_seen": story.last_seen}


def run(args: argparse.Namespace) -> int:
    config = open_config(args)
    store = open_store(args, config, existing=True)
    try:
        since = datetime.now(UTC) - timedelta(seconds=args.since)
        stories = store.stories_since(since, limit=args.limit, open_only=args.open)
    finally:
        store.close()
    if args.json:
        print_json([as_json(s) for s in stories])
    else:
        zone = config.settings.timezone
        print("\n\n".join(story_text(s, zone) for s in stories) if stories else "no stories")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("stories", help="list current stories with their outlets")
    since_argument(p, "24h", "stories seen within this long")
    p.add_argument(
        "--limit", type=positive_int, default=200, help="at most this many (default 200)"
    )
    p.add_argument("--open", action="store_true", help="only stories still open to articles")
    add_json_flag(p)
    add_config_arguments(p)
    p.set_defaults(func=run)
