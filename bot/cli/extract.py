"""`newswatch extract URL|FILE [--json]`: what the bot reads from one page or feed.

A URL goes through the fetch cycle's own code: the shared Fetcher and `collect` for a feed
(article pages of teaser items included), the Fetcher and `extract_article` for a page.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.cli.common import CliError, add_config_arguments, open_config
from bot.cli.output import add_json_flag, print_json
from bot.models import RawItem, Source
from bot.sources.collect import collect
from bot.sources.errors import FetchError
from bot.sources.feeds import FeedError
from bot.sources.http import Fetcher, FetchSettings
from bot.sources.kinds import HTML_ACCEPT, KINDS, sniff_kind
from bot.sources.pages import ExtractedPage, PageError, extract_article


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("extract", help="show what the bot reads from a page or a feed")
    p.add_argument("target", metavar="URL|FILE")
    add_json_flag(p)
    p.add_argument("--url", help="the address a FILE was saved from (resolves its links)")
    p.add_argument(
        "--allow-private", action="store_true", help="allow a URL on a private/loopback address"
    )
    add_config_arguments(p, db=False)
    p.set_defaults(func=run)


def _page_dict(page: ExtractedPage) -> dict[str, Any]:
    return {
        "kind": "page",
        "title": page.title,
        "published": page.published,
        "published_from": page.published_from,
        "lang": page.lang,
        "canonical_url": page.canonical_url,
        "text": page.text,
    }


def _item_dict(item: RawItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "url": item.url,
        "guid": item.guid,
        "published": item.published,
        "published_from": item.published_from,
        "lang": item.lang,
        "text": item.text,
    }


async def _from_url(url: str, settings: FetchSettings) -> dict[str, Any]:
    async with Fetcher(settings) as fetcher:
        accept = ", ".join([HTML_ACCEPT, *(k.accept for k in KINDS.values() if k.sniff)])
        resp = await fetcher.get(url, accept=accept)
        kind = sniff_kind(resp.body, resp.content_type)
        if kind is None:
            return _page_dict(extract_article(resp.body, resp.url, resp.headers))
        source = Source(id="extract", url=url, kind=kind.name)
        outcome = await collect(fetcher, source, None, None, datetime.now(UTC), lambda _: False)
        if outcome.error:
            raise CliError(f"{url}: {outcome.error}", status=1)
        return {
            "kind": kind.name,
            "bozo": outcome.bozo,
            "page_errors": list(outcome.page_errors),
            # items whose page failed for a passing reason are shown on their feed text
            "items": [
                _item_dict(i) for i in (*outcome.items, *(w.item for w in outcome.waiting or ()))
            ],
        }


def _from_file(path: Path, url: str) -> dict[str, Any]:
    body = path.read_bytes()
    kind = sniff_kind(body, "")
    if kind is None or kind.read is None:
        return _page_dict(extract_article(body, url))
    bozo, items = kind.read(body, url)
    return {"kind": kind.name, "bozo": bozo, "items": [_item_dict(i) for i in items]}


def run(args: argparse.Namespace) -> int:
    config = open_config(args)
    settings = FetchSettings.from_settings(config.settings.fetch)
    if args.allow_private:
        settings = replace(settings, allow_private=True)
    target: str = args.target
    try:
        if target.startswith(("http://", "https://")):
            result = asyncio.run(_from_url(target, settings))
        else:
            path = Path(target)
            if not path.is_file():
                raise CliError(f"{target}: no such file, and not an http(s) URL")
            result = _from_file(path, args.url or path.resolve().as_uri())
    except (FetchError, FeedError, PageError) as exc:
        raise CliError(f"{target}: {exc}", status=1) from None
    if args.json:
        print_json(result)
    else:
        print(_render(result))
    return 0


def _render(result: dict[str, Any]) -> str:
    if result["kind"] == "page":
        return _render_one(result)
    lines = [
        f"feed: {len(result['items'])} items"
        + (f" (bozo: {result['bozo']})" if result.get("bozo") else "")
    ]
    for error in result.get("page_errors", []):
        lines.append(f"page error: {error}")
    for item in result["items"]:
        lines += ["", "─" * 60, _render_one(item)]
    return "\n".join(lines)


def _render_one(r: dict[str, Any]) -> str:
    published = r.get("published")
    # the page's own offset, as it wrote it (--json gives UTC, as every command does)
    date = f"{published.isoformat()} (from {r['published_from']})" if published else "unknown"
    lines = [
        f"title:     {r['title']}",
        f"date:      {date}",
        f"language:  {r.get('lang') or 'unknown'}",
        f"url:       {r.get('canonical_url') or r.get('url') or '-'}",
        "",
        r["text"] or "(no text)",
    ]
    return "\n".join(lines)
