"""`newswatch digest CHANNEL`: what the channel's digest would be now (--dry-run, the
default), or build and send it (--send) through the outbox like the scheduler does."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from bot.app.assembly import close_senders, load_rules, make_senders
from bot.app.claims import owning
from bot.app.deliver import (
    UnknownChannelError,
    Vocabulary,
    build_digest,
    render_payloads,
    run_digest,
)
from bot.chat.platforms import platform_of
from bot.cli.common import CliError, add_config_arguments, open_config, open_store
from bot.cli.outbox import held_lines
from bot.cli.output import add_json_flag, plural, print_json
from bot.config import Config, ConfigError, secrets_from_env
from bot.core.rules import RulesError
from bot.models import Channel
from bot.store import Store
from bot.store.base import utcnow


def load_vocabulary(config: Config) -> Vocabulary:
    try:
        return Vocabulary.from_rules(load_rules(config))
    except RulesError as exc:
        raise CliError(f"invalid rules:\n{exc}") from None
    except ConfigError as exc:
        raise CliError(f"invalid configuration:\n{exc}") from None


def known_channel(store: Store, channel_id: str) -> Channel:
    """The channel, or an error that lists the channels there are."""
    channel = store.channel(channel_id)
    if channel is not None:
        return channel
    names = sorted(c.id for c in store.channels())
    listed = ", ".join(names) if names else "none: add some under channels: in the configuration"
    raise CliError(f"no channel {channel_id!r}; the channels are: {listed}")


def dry_run(store: Store, channel_id: str, vocab: Vocabulary, as_json: bool = False) -> int:
    channel = known_channel(store, channel_id)
    digest = build_digest(store, channel, vocab, utcnow())
    payloads = render_payloads(channel.platform, digest, vocab.labels, "digest")
    if as_json:
        print_json(
            {
                "channel": channel.id,
                "platform": channel.platform,
                "stories": len(digest.items),
                "messages": payloads,
                "sent": 0,
            }
        )
        return 0
    for i, payload in enumerate(payloads, 1):
        if len(payloads) > 1:
            print(f"--- message {i} of {len(payloads)} ({channel.platform}) ---")
        if set(payload) == {"text"}:  # plain or HTML text; block payloads as JSON
            print(payload["text"])
        else:
            print(json.dumps(payload, ensure_ascii=False, indent=2))
    counts = (
        f"{plural(len(digest.items), 'story', 'stories')} in {plural(len(payloads), 'message')}"
    )
    print(f"({counts}; nothing sent)")
    return 0


async def send(
    config: Config, store: Store, channel_id: str, vocab: Vocabulary, as_json: bool = False
) -> int:
    channel = known_channel(store, channel_id)
    senders = make_senders(config.settings, secrets_from_env())
    if channel.platform not in senders:
        token = platform_of(channel.platform).secrets[:1] or ("its token",)
        await close_senders(senders)
        raise CliError(f"{channel_id}: cannot send to {channel.platform}: {token[0]} is not set")
    try:
        async with owning(store, "digest") as owner:  # its claims are its own
            report = await run_digest(store, channel.id, senders, vocab, owner=owner)
    except UnknownChannelError as exc:
        raise CliError(str(exc)) from None
    finally:
        await close_senders(senders)
    if report.paused:
        raise CliError(f"{channel_id}: delivery paused: {report.paused}", status=1)
    flush = report.flush
    sent = flush.sent if flush else 0
    if as_json:
        print_json(
            {
                "channel": channel.id,
                "platform": channel.platform,
                "stories": report.stories,
                "messages": report.messages,
                "sent": sent,
            }
        )
    else:
        counts = (
            f"{plural(report.stories, 'story', 'stories')} in {plural(report.messages, 'message')}"
        )
        print(f"{counts}; {sent} sent now")
    if flush and flush.paused:
        raise CliError(f"{channel_id}: delivery paused: {flush.paused[channel_id]}", status=1)
    if flush and (flush.retried or flush.failed):
        print("some messages wait for a retry (the daemon will send them)", file=sys.stderr)
        return 1
    return 0


def run(args: argparse.Namespace) -> int:
    config = open_config(args)
    vocab = load_vocabulary(config)
    store = open_store(args, config, existing=True)
    try:
        store.sync_channels(config.channels)
        if args.resume:
            store.resume_channel(args.channel)
        state = store.pause_state(args.channel)
        if state.paused:
            print(f"{args.channel}: delivery paused: {state.reason}", file=sys.stderr)
        held = held_lines(store, args.channel, config.settings.timezone)
        if held:
            print(
                f"{args.channel}: {plural(len(held), 'message')} held after two sends with no "
                "answer (each may have arrived); newswatch outbox release ID… | drop ID…",
                file=sys.stderr,
            )
            for line in held:
                print(f"  {line}", file=sys.stderr)
        if args.send:
            return asyncio.run(send(config, store, args.channel, vocab, args.json))
        return dry_run(store, args.channel, vocab, args.json)
    finally:
        store.close()


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("digest", help="show (or send) a channel's digest now")
    p.add_argument("channel", metavar="CHANNEL", help="a channel id from the configuration")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="render only (the default)")
    mode.add_argument("--send", action="store_true", help="record it and send it now")
    p.add_argument("--resume", action="store_true", help="resume a paused channel first")
    add_json_flag(p)
    add_config_arguments(p)
    p.set_defaults(func=run)
