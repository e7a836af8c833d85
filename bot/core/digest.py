"""Which stories a channel gets, in what order, and whether now or in the next digest.

Evaluation order for one story and one channel:
1. It must match a subscription: a topic id in `story.topic_ids`, or "@id" with id in
   `story.entity_ids`.
2. Muted stories are dropped.
3. A story already delivered is dropped, unless it has since gained outlets and the channel
   shows updates; then it comes back once, marked updated (+N outlets). Instant delivery
   never re-sends updates: they wait for the digest.
4. Route: each matching subscription's mode is its own when it says `instant` or `both`,
   otherwise the channel's mode. `instant` sends at once; `both` sends at once only when a
   topic of the story has high priority; the rest waits for the digest. The digest picks up
   everything still undelivered, so an instant send that never happened is not lost.
5. Rank by number of outlets, then priority, then recency (last seen), then id; cap at the
   channel's `max_stories`.
6. Each story is titled in the channel's language when an outlet wrote in it
   (core.headline.in_language).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Literal

from bot.core.headline import in_language
from bot.models import Channel, Digest, DigestItem, Story

Priority = Literal["high", "normal"]
Route = Literal["instant", "digest"]


def matching_targets(story: Story, channel: Channel) -> list[str]:
    """The channel's subscription targets this story matches."""
    topics = set(story.topic_ids)
    entities = set(story.entity_ids)
    found = []
    for sub in channel.subscriptions:
        target = sub.target
        if (target.startswith("@") and target[1:] in entities) or target in topics:
            found.append(target)
    return found


def is_high(story: Story, priorities: Mapping[str, Priority]) -> bool:
    return any(priorities.get(t) == "high" for t in story.topic_ids)


def route(story: Story, channel: Channel, priorities: Mapping[str, Priority]) -> Route | None:
    """Where a story goes for this channel; None when it matches no subscription."""
    targets = set(matching_targets(story, channel))
    if not targets:
        return None
    high = is_high(story, priorities)
    for sub in channel.subscriptions:
        if sub.target not in targets:
            continue
        mode = sub.mode if sub.mode in ("instant", "both") else channel.mode
        if mode == "instant" or (mode == "both" and high):
            return "instant"
    return "digest"


def rank_key(story: Story, priorities: Mapping[str, Priority]) -> tuple[int, int, float, int]:
    """Sort ascending by this: most outlets, high priority, most recent, newest id first."""
    return (
        -len(story.outlets),
        0 if is_high(story, priorities) else 1,
        -story.last_seen.timestamp(),
        -story.id,
    )


def _item(
    story: Story, channel: Channel, delivered: Mapping[int, int], muted: Collection[int]
) -> DigestItem | None:
    if story.id in muted:
        return None
    before = delivered.get(story.id)
    if before is None:
        return DigestItem(story)
    gained = len(story.outlets) - before
    if gained > 0 and channel.show_updates:
        return DigestItem(story, updated=True, new_outlets=gained)
    return None


def select(
    stories: Iterable[Story],
    channel: Channel,
    delivered: Mapping[int, int],
    muted: Collection[int],
    priorities: Mapping[str, Priority],
    now: datetime,
    kind: Literal["digest", "instant"] = "digest",
) -> Digest:
    """The channel's digest (kind="digest") or its instant batch (kind="instant") now.

    `delivered` maps story id to the number of outlets it had when last delivered.
    """
    chosen: dict[int, DigestItem] = {}
    for story in stories:
        if story.id in chosen:
            continue
        where = route(story, channel, priorities)
        if where is None or (kind == "instant" and where != "instant"):
            continue
        item = _item(story, channel, delivered, muted)
        if item is None or (kind == "instant" and item.updated):
            continue
        chosen[story.id] = item
    ranked = sorted(chosen.values(), key=lambda i: rank_key(i.story, priorities))
    return Digest(
        channel_id=channel.id,
        generated_at=now,
        items=tuple(
            replace(i, story=in_language(i.story, channel.language))
            for i in ranked[: channel.max_stories]
        ),
        timezone=channel.timezone,
        language=channel.language,
    )


def select_digest(
    stories: Iterable[Story],
    channel: Channel,
    delivered: Mapping[int, int],
    muted: Collection[int],
    priorities: Mapping[str, Priority],
    now: datetime,
) -> Digest:
    return select(stories, channel, delivered, muted, priorities, now, "digest")


def select_instant(
    stories: Iterable[Story],
    channel: Channel,
    delivered: Mapping[int, int],
    muted: Collection[int],
    priorities: Mapping[str, Priority],
    now: datetime,
) -> Digest:
    return select(stories, channel, delivered, muted, priorities, now, "instant")
