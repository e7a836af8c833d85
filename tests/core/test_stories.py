"""Story grouping, level by level, on fixture articles that carry their expected grouping."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.stories import Assignment, GroupingParams, StoryDoc, StoryIndex

DATA = Path(__file__).parent.parent / "data" / "stories"


def _doc(n: int, item: dict[str, Any], seen_at: datetime | None = None) -> StoryDoc:
    return StoryDoc(
        article_id=n,
        source_id=item["source"],
        lang=item.get("lang"),
        title=item["title"],
        text=item["text"],
        seen_at=seen_at or item["seen_at"],
        entity_ids=frozenset(item["entities"]),
        url=f"https://{item['source']}.example/{item['id']}",
        places=frozenset(item.get("places", ())),
    )


class Grouper:
    """Plays the pipeline's part: assign, mint an id for a new story, add."""

    def __init__(self, params: GroupingParams | None = None) -> None:
        self.index = StoryIndex(params or GroupingParams())
        self.story_of: dict[str, int] = {}
        self.label_of: dict[int, str] = {}
        self.assignments: dict[str, Assignment] = {}

    def feed(self, item: dict[str, Any], seen_at: datetime | None = None) -> Assignment:
        doc = _doc(len(self.story_of) + 1, item, seen_at)
        got = self.index.assign(doc)
        story = got.story_id if got.story_id is not None else 1000 + len(self.story_of)
        self.index.add(doc, story)
        self.story_of[item["id"]] = story
        self.label_of.setdefault(story, item["story"])
        self.assignments[item["id"]] = got
        return got


def _partition(pairs: dict[str, Any]) -> set[frozenset[str]]:
    groups: dict[Any, set[str]] = {}
    for key, label in pairs.items():
        groups.setdefault(label, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def test_visit_week_groups_every_outlet_and_keeps_the_other_visit_apart() -> None:
    articles = yaml.safe_load((DATA / "visit.yaml").read_text(encoding="utf-8"))["articles"]
    g = Grouper()
    for item in articles:
        g.feed(item)
    expected = _partition({a["id"]: a["story"] for a in articles})
    assert _partition(g.story_of) == expected
    for item in articles:
        assert g.assignments[item["id"]].level == item.get("level"), item["id"]


@pytest.mark.parametrize("reverse", [False, True])
def test_grouping_does_not_depend_on_arrival_order(reverse: bool) -> None:
    articles = yaml.safe_load((DATA / "visit.yaml").read_text(encoding="utf-8"))["articles"]
    g = Grouper()
    for item in reversed(articles) if reverse else articles:
        g.feed(item)
    assert _partition(g.story_of) == _partition({a["id"]: a["story"] for a in articles})


def test_story_grows_over_fetch_cycles_and_closes_after_the_window() -> None:
    data = yaml.safe_load((DATA / "growth.yaml").read_text(encoding="utf-8"))
    g = Grouper(GroupingParams(window_hours=float(data["window_hours"])))
    for cycle in data["cycles"]:
        closed = g.index.expire(cycle["now"])
        if "closed" in cycle:
            assert sorted(g.label_of[s] for s in closed) == sorted(cycle["closed"])
        for item in cycle["articles"]:
            got = g.feed(item, seen_at=cycle["now"])
            assert got.level == item.get("level"), item["id"]
    expected = {a["id"]: a["story"] for c in data["cycles"] for a in c["articles"]}
    assert _partition(g.story_of) == _partition(expected)
