"""`newswatch chat "<command line>" [--channel ID]`: any chat command against the database,
without a chat platform; `newswatch search`, `why` and `latest` as shortcuts.

The reply is printed as a chat would show it, buttons as the command lines they would run.
Read-only commands need no channel; one that changes a channel (subscribe, schedule, ...)
needs `--channel` and runs as that channel's administrator. Exit status 0, or 1 when the
command answered with a refusal or an error.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
from collections.abc import Callable

from bot.app.assembly import load_rules
from bot.app.chatrules import ChatRulesFollower
from bot.app.sourceadd import source_adder
from bot.cli.common import CliError, add_config_arguments, open_config, open_store
from bot.core.commands import Env, Request, changes, execute
from bot.core.match import Matcher
from bot.core.rules import RulesError
from bot.models import Reply
from bot.store.base import utcnow


def run_line(args: argparse.Namespace, line: str) -> int:
    """Run one command line as the chat of `args.channel` (or of no channel) would."""
    config = open_config(args)
    try:
        rules = load_rules(config)
    except RulesError as exc:
        raise CliError(f"invalid rules:\n{exc}", 1) from None
    store = open_store(args, config)
    try:
        store.sync_channels(config.channels)
        store.sync_sources(config.sources)
        follower = ChatRulesFollower(store, rules)
        matcher = {"now": Matcher(follower.rules)}

        def rules_changed() -> None:
            if follower.refresh() is not None:
                matcher["now"] = Matcher(follower.rules)

        channel = store.channel(args.channel) if args.channel else None
        if args.channel and channel is None:
            raise CliError(f"no channel {args.channel!r} (see the configuration's channels)")
        if channel is None and changes(line):
            raise CliError("this command changes a channel: name it with --channel ID")
        env = Env(
            store=store,
            rules=lambda: follower.rules,
            matcher=lambda: matcher["now"],
            rules_changed=rules_changed,
            timezone=config.settings.timezone,
            add_source=source_adder(store, lambda: config, origin="cli"),
        )
        request = Request(
            platform=channel.platform if channel else "",
            destination=channel.destination if channel else "",
            user="cli",
            may_change=channel is not None,
            now=utcnow(),
            instance_admin=True,  # whoever runs the CLI holds the database anyway
        )
        reply = asyncio.run(execute(line, request, env))
    finally:
        store.close()
    print(show(reply))
    return 0 if reply.ok else 1


def show(reply: Reply) -> str:
    """The reply's text, then each button as `[label] → command line`."""
    lines = [reply.text]
    lines += [f"[{b.label}] → {b.action}" for b in reply.buttons]
    return "\n".join(lines)


def _chat(args: argparse.Namespace) -> int:
    return run_line(args, args.line)


def _search(args: argparse.Namespace) -> int:
    days = f" --days {args.days}" if args.days is not None else ""
    return run_line(args, f"search {' '.join(args.query)}{days}")


def _why(args: argparse.Namespace) -> int:
    return run_line(args, f"why {args.story}")


def _latest(args: argparse.Namespace) -> int:
    return run_line(args, shlex.join(["latest", *args.target]) if args.target else "latest")


def _command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    run: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help=summary)
    p.add_argument("--channel", metavar="ID", help="run as this channel (its language, its mutes)")
    add_config_arguments(p)
    p.set_defaults(func=run)
    return p


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chat = _command(subparsers, "chat", "run a chat command against the database", _chat)
    chat.add_argument("line", metavar="COMMAND", help='a command line, e.g. "latest @shoigu"')
    search = _command(subparsers, "search", "search stored articles (the chat's search)", _search)
    search.add_argument("query", nargs="+", metavar="QUERY", help="a topic query")
    search.add_argument("--days", type=int, help="how far back (default 30)")
    why = _command(subparsers, "why", "which rules matched a story, with the evidence", _why)
    why.add_argument("story", metavar="STORY", help="a story number")
    latest = _command(subparsers, "latest", "the latest stories, with every outlet", _latest)
    latest.add_argument("target", nargs="*", metavar="TARGET", help="a topic, or @entity")
