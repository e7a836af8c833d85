"""`newswatch sources discover URL`: what a site offers to follow, and the choice.

Registered by bot.cli.sources (one line); not a top-level command, so no `register` here.
Exit status: 0 a choice was made, 1 the address did not answer or offers nothing to follow,
2 not an address.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.cli.common import CliError, add_config_arguments, open_config
from bot.cli.output import add_json_flag, print_json

if TYPE_CHECKING:
    from bot.sources.discover import Candidate, Discovery


def add_discover(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "discover", help="find a site's feeds, news sitemap or listing, and say which to follow"
    )
    p.add_argument("url", metavar="URL", help="a site's address (or a feed's, or t.me/<name>)")
    add_json_flag(p)
    p.add_argument(
        "--allow-private", action="store_true", help="allow an address on a private/loopback host"
    )
    add_config_arguments(p, db=False)
    p.set_defaults(func=run_discover)


def find(args: argparse.Namespace, address: str) -> Discovery:
    """Discovery of `address` with the configuration's fetch settings (politeness, caps).
    Raises CliError: status 2 for a bad address, 1 when it does not answer."""
    from bot.sources.discover import BadAddress, DiscoveryError, discover
    from bot.sources.http import Fetcher, FetchSettings

    config = open_config(args)
    settings = FetchSettings.from_settings(config.settings.fetch)
    if getattr(args, "allow_private", False):
        settings = replace(settings, allow_private=True)

    async def run() -> Discovery:
        async with Fetcher(settings) as fetcher:
            return await discover(fetcher, address)

    try:
        return asyncio.run(run())
    except BadAddress as exc:
        raise CliError(exc.reason, status=2) from None
    except DiscoveryError as exc:
        raise CliError(f"cannot reach the address: {exc.reason}", status=1) from None


def candidate_dict(c: Candidate) -> dict[str, Any]:
    return {
        "url": c.url,
        "kind": c.kind,
        "found_by": c.found_by,
        "usable": c.usable,
        "items": c.items,
        "newest": c.newest,
        "lang": c.lang,
        "title": c.title,
        "error": c.error,
    }


def run_discover(args: argparse.Namespace) -> int:
    found = find(args, args.url)
    if args.json:
        doc = {
            "address": found.address,
            "candidates": [candidate_dict(c) for c in found.candidates],
            "chosen": candidate_dict(found.chosen) if found.chosen else None,
            "reason": found.reason,
        }
        print_json(doc)
    else:
        print(f"{found.address}: {len(found.candidates)} candidates")
        for c in found.candidates:
            mark = "ok" if c.usable else "--"
            print(f"  {mark} {c.kind:<8} {c.url}  ({c.found_by})")
            print(f"       {_brings(c)}")
        if found.chosen:
            print(f"chosen: {found.chosen.kind} {found.chosen.url}")
        print(f"why: {found.reason}")
    return 0 if found.chosen else 1


def _brings(c: Candidate) -> str:
    from bot.sources.kinds import KINDS

    entry = KINDS.get(c.kind)
    what = "article links" if entry is not None and entry.links_only else "items"
    parts = [f"{c.items} {what}"]
    if c.newest:
        parts.append(f"newest {c.newest:%Y-%m-%d %H:%M}")
    if c.lang:
        parts.append(f"language {c.lang}")
    if c.title:
        parts.append(repr(c.title[:60]))
    text = ", ".join(parts)
    return f"{text}; not usable: {c.error}" if c.error else text
