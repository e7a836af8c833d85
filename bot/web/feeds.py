"""Each channel's matched stories as Atom (`/feeds/<channel>.xml`) and JSON Feed 1.1
(`/feeds/<channel>.json`), so any feed reader or tool can follow a channel."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from aiohttp import web

from bot.core.headline import in_language
from bot.models import Story, StoryFilter
from bot.web import present
from bot.web.context import deps, json_error, json_ok

ATOM = "http://www.w3.org/2005/Atom"
ITEMS = 50


def _text(story: Story) -> str:
    outlets = "\n".join(f"{present.line(o.name, 120)}: {o.url}" for o in story.outlets)
    return f"{present.line(story.lead, 1000)}\n\n{outlets}".strip()


def atom(channel_id: str, stories: list[Story], base: str) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(feed, "id", f"{base}/feeds/{channel_id}.xml")
    sub(feed, "title", f"newswatch: {channel_id}")
    updated = max((s.last_seen for s in stories), default=None)
    sub(feed, "updated", (updated or present.EPOCH).isoformat())
    sub(sub(feed, "author"), "name", "newswatch")
    sub(feed, "link", rel="self", href=f"{base}/feeds/{channel_id}.xml")
    for story in stories:
        entry = sub(feed, "entry")
        sub(entry, "id", f"{base}/stories/{story.id}")
        sub(entry, "title", present.line(story.title))
        sub(entry, "updated", story.last_seen.isoformat())
        sub(entry, "published", story.first_seen.isoformat())
        sub(entry, "link", rel="alternate", href=f"{base}/stories/{story.id}")
        for outlet in story.outlets:
            url = present.link(outlet.url)
            if url:
                sub(entry, "link", rel="related", href=url, title=present.line(outlet.name, 120))
        for tag in (*story.topic_ids, *("@" + e for e in story.entity_ids)):
            sub(entry, "category", term=tag)
        sub(entry, "summary", _text(story))
    body: bytes = ET.tostring(feed, encoding="unicode").encode("utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def json_feed(channel_id: str, stories: list[Story], base: str) -> dict[str, Any]:
    items = []
    for story in stories:
        item: dict[str, Any] = {
            "id": f"{base}/stories/{story.id}",
            "url": f"{base}/stories/{story.id}",
            "title": present.line(story.title),
            "content_text": _text(story),
            "date_published": story.first_seen.isoformat(),
            "date_modified": story.last_seen.isoformat(),
            "tags": [*story.topic_ids, *("@" + e for e in story.entity_ids)],
        }
        first = next((u for o in story.outlets if (u := present.link(o.url))), None)
        if first:
            item["external_url"] = first
        items.append(item)
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"newswatch: {channel_id}",
        "home_page_url": f"{base}/",
        "feed_url": f"{base}/feeds/{channel_id}.json",
        "items": items,
    }


async def channel_feed(request: web.Request) -> web.Response:
    name = request.match_info["file"]
    channel_id, _, fmt = name.rpartition(".")
    if fmt not in ("xml", "json"):
        return json_error(404, "feeds end in .xml (Atom) or .json (JSON Feed)")
    d = deps(request)
    state = next((s for s in d.store.channel_states() if s.channel.id == channel_id), None)
    if state is None:
        return json_error(404, f"no channel {channel_id!r}")
    targets = tuple(s.target for s in state.channel.subscriptions)
    stories = d.store.find_stories(StoryFilter(targets=targets), ITEMS) if targets else []
    stories = [in_language(s, state.channel.language) for s in stories]  # the channel's own
    base = str(request.url.origin())
    if fmt == "json":
        response = json_ok(json_feed(channel_id, stories, base))
        response.content_type = "application/feed+json"
        return response
    return web.Response(
        body=atom(channel_id, stories, base),
        content_type="application/atom+xml",
        charset="utf-8",
    )
