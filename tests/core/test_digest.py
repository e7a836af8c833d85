"""Digest selection, ranking, capping and routing as a table of cases (tests/data/digest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.digest import select_digest, select_instant
from bot.models import Channel, Outlet, Story, Subscription

DATA = yaml.safe_load((Path(__file__).parent.parent / "data/digest/select.yaml").read_text())
NOW = datetime(2024, 9, 2, 12, tzinfo=UTC)


def story(spec: dict[str, Any]) -> Story:
    seen = NOW - timedelta(hours=spec.get("hours", 2))
    return Story(
        id=spec["id"],
        title=f"story {spec['id']}",
        lead="",
        first_seen=seen - timedelta(hours=1),
        last_seen=seen,
        article_ids=tuple(range(spec["outlets"])),
        outlets=tuple(Outlet(f"o{i}", f"https://o{i}.example/") for i in range(spec["outlets"])),
        entity_ids=tuple(spec.get("entities", ())),
        topic_ids=tuple(spec.get("topics", ())),
    )


def channel(spec: dict[str, Any]) -> Channel:
    subs = []
    for s in spec["subs"]:
        target, _, mode = s.partition(":")
        subs.append(Subscription("c", target, mode or "digest"))  # type: ignore[arg-type]
    return Channel(
        id="c",
        platform="console",
        destination="-",
        subscriptions=tuple(subs),
        mode=spec.get("mode", "digest"),
        max_stories=spec.get("max", 20),
        show_updates=spec.get("show_updates", True),
    )


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["name"] for c in DATA["cases"]])
def test_selection(case: dict[str, Any]) -> None:
    stories = [story(s) for s in case["stories"]]
    ch = channel(case["channel"])
    delivered = {int(k): v for k, v in (case.get("delivered") or {}).items()}
    muted = set(case.get("muted", []))
    prio = DATA["defaults"]["priorities"]
    digest = select_digest(stories, ch, delivered, muted, prio, NOW)
    if "expect" in case:
        assert [i.story.id for i in digest.items] == case["expect"]
        assert [i.story.id for i in digest.items if i.updated] == case.get("updated", [])
    if "instant" in case:
        instant = select_instant(stories, ch, delivered, muted, prio, NOW)
        assert [i.story.id for i in instant.items] == case["instant"]


def test_updated_item_counts_new_outlets() -> None:
    ch = channel({"subs": ["drones"]})
    s = story({"id": 1, "outlets": 5, "topics": ["drones"]})
    (item,) = select_digest([s], ch, {1: 2}, set(), {}, NOW).items
    assert item.updated and item.new_outlets == 3
