"""`newswatch outbox`: the messages held after two sends with no answer, for a person.

A send with no answer may have arrived. newswatch sends such a message once more (marked as
a possible repeat) and, when that one gets no answer either, holds it rather than risk a
third copy. `outbox` lists the held messages, `outbox release ID…` lets each go once more
(the running daemon or deliver process sends it at its next flush), `outbox drop ID…`
counts each as delivered and never sends it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.cli.common import CliError, add_config_arguments, open_config, open_store
from bot.cli.output import local_time, plural

if TYPE_CHECKING:
    from bot.store import OutboxMessage, Store

PREVIEW = 70


def preview(m: OutboxMessage) -> str:
    """The message's first line of text, shortened."""
    first = next((line for line in str(m.payload.get("text", "")).splitlines() if line), "")
    first = first.strip("\u200e\u200f")
    return first if len(first) <= PREVIEW else first[: PREVIEW - 1] + "…"


def held_lines(store: Store, channel_id: str | None = None, zone: str = "UTC") -> list[str]:
    """One line per held message (`digest` shows its channel's too), times in `zone`."""
    return [
        f"#{m.id}  {m.channel_id}  {local_time(m.created_at, zone)}  {preview(m)}"
        if m.created_at
        else f"#{m.id}  {m.channel_id}  {preview(m)}"
        for m in store.held_messages(channel_id)
    ]


HINT = "release: sent once more (it may repeat); drop: counted as delivered, never sent"


def show(store: Store, channel_id: str | None, zone: str = "UTC") -> int:
    lines = held_lines(store, channel_id, zone)
    counts = store.outbox_counts()
    waiting = counts.get("pending", 0) + counts.get("sending", 0)
    print(f"{plural(waiting, 'message')} waiting to be sent, {len(lines)} held")
    if lines:
        print("held after two sends with no answer (each may have arrived):")
        for line in lines:
            print(f"  {line}")
        print(f"newswatch outbox release ID… | drop ID…  ({HINT})")
    return 0


def decide(store: Store, ids: list[int], send: bool) -> int:
    held = {m.id for m in store.held_messages()}
    unknown = [i for i in ids if i not in held]
    if unknown:
        listed = ", ".join(f"#{i}" for i in sorted(held)) or "none"
        raise CliError(
            f"not held: {', '.join(f'#{i}' for i in unknown)} (held now: {listed})", status=1
        )
    for i in ids:
        store.release_held(i, send=send)
        if send:
            print(f"#{i}: released; sent once more at the next flush, marked as a possible repeat")
        else:
            print(f"#{i}: dropped; counted as delivered, never sent again")
    return 0


def run(args: argparse.Namespace) -> int:
    config = open_config(args)
    store = open_store(args, config, existing=True)
    try:
        if args.action == "release":
            return decide(store, args.ids, send=True)
        if args.action == "drop":
            return decide(store, args.ids, send=False)
        return show(store, args.channel, config.settings.timezone)
    finally:
        store.close()


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "outbox",
        help="messages held after two sends with no answer: list, release or drop them",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "action",
        nargs="?",
        choices=("list", "release", "drop"),
        default="list",
        help="list (the default), release (send once more) or drop (never send)",
    )
    p.add_argument("ids", nargs="*", type=int, metavar="ID", help="held message ids (#N)")
    p.add_argument("--channel", metavar="ID", help="list only this channel's held messages")
    add_config_arguments(p)
    p.set_defaults(func=run)
