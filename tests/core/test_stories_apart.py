"""Two accidents of one kind on one day in two countries, and the inquiry into one of them the
next day (tests/data/stories/ferries.yaml); a minister's talks on Sunday and his arrival at a
summit on Monday (trip.yaml); two rounds of talks in one city two days apart (rounds.yaml); two
bombings in two cities of one country on one day (bombings.yaml): separate stories, whichever
arrives first. A strike's toll updated the next day is the strike's (tollupdate.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bot.core.stories import GroupingParams, StoryIndex
from tests.core.test_stories import DATA, _doc, _partition


def _group(articles: list[dict[str, Any]]) -> dict[str, int]:
    index = StoryIndex(GroupingParams())
    story_of: dict[str, int] = {}
    for n, item in enumerate(articles, 1):
        doc = _doc(n, item)
        doc = type(doc)(**{**doc.__dict__, "lead_entities": frozenset(item["lead"])})
        got = index.assign(doc)
        story = got.story_id if got.story_id is not None else 1000 + n
        index.add(doc, story)
        story_of[item["id"]] = story
    return story_of


@pytest.mark.parametrize("order", ["as written", "reversed", "inquiry first"])
def test_other_places_and_the_inquiry_are_other_stories(order: str) -> None:
    articles = yaml.safe_load((DATA / "ferries.yaml").read_text(encoding="utf-8"))["articles"]
    if order == "reversed":
        articles = articles[::-1]
    elif order == "inquiry first":
        articles = [a for a in articles if a["story"] == "selmek-inquiry"] + [
            a for a in articles if a["story"] != "selmek-inquiry"
        ]
    expected = _partition({a["id"]: a["story"] for a in articles})
    assert _partition(_group(articles)) == expected


@pytest.mark.parametrize("fixture", ["trip.yaml", "rounds.yaml", "bombings.yaml"])
@pytest.mark.parametrize("reverse", [False, True])
def test_the_next_happening_is_not_the_one_it_recalls(fixture: str, reverse: bool) -> None:
    """The summit the day after the talks (their days differ); the second round of talks
    (the rounds differ), whose Arabic report opens by recalling the first; a car bomb in another
    city of the same country the same day, whose report recalls the first attack (the leads
    share only the country, and each names a city the other's do not)."""
    articles = yaml.safe_load((DATA / fixture).read_text(encoding="utf-8"))["articles"]
    if reverse:
        articles = articles[::-1]
    expected = _partition({a["id"]: a["story"] for a in articles})
    assert _partition(_group(articles)) == expected


@pytest.mark.parametrize("order", ["as written", "update first", "retaliation first"])
def test_a_toll_update_joins_its_strike_and_the_next_days_do_not(order: str) -> None:
    """The update's lead names the day it was reported, not the strike's day: it joins the
    strike (events.toll_update), and its day does not become the story's, so the talks that
    day, whose lead names the strike, stay apart; so does the retaliation (a follow-up).
    Known miss, not tested: when the talks come before the strike's reports and the update,
    the update joins the talks (the same day, the strike named in both leads, shared names)."""
    articles = yaml.safe_load((DATA / "tollupdate.yaml").read_text(encoding="utf-8"))["articles"]
    if order == "update first":
        articles = [articles[2], *articles[:2], *articles[3:]]
    elif order == "retaliation first":
        articles = [articles[4], *articles[:4]]
    expected = _partition({a["id"]: a["story"] for a in articles})
    assert _partition(_group(articles)) == expected


def test_the_talks_first_take_the_update_a_known_miss() -> None:
    """Written down so that a change that fixes it is seen: in reverse order the update joins
    the talks, and the strike's two reports make a story of their own."""
    articles = yaml.safe_load((DATA / "tollupdate.yaml").read_text(encoding="utf-8"))["articles"]
    got = _partition(_group(articles[::-1]))
    assert frozenset({"s3-ru", "t1-ar"}) in got and frozenset({"s1-en", "s2-ar"}) in got
