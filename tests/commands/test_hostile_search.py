"""Search strings full of FTS5 and SQL syntax: a reply or a positioned error, never a crash."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.commands import execute
from tests.world import World, build_world

HOSTILE = [
    "NEAR(drill vell)",
    'drill" OR "1"="1',
    "norm_title:drill",
    "-drill",
    "drill^",
    "'); DROP TABLE articles; --",
    "*",
    "dri*ll",
    "( )",
    '"" AND ""',
    "drill NEAR vell",
    "{norm_title norm_text}: drill",
    "drill OR",
    "@",
    "#",
    "\x00drill",
    "دريل* OR مناورات\u202e",
    "a" * 600,
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("hostile") / "nw.db")


@pytest.mark.parametrize("query", HOSTILE)
async def test_hostile_query_gets_a_reply(query: str, world: World) -> None:
    reply = await execute(f"search {query}", world.request(), world.env())
    assert "went wrong" not in reply.text
    if not reply.ok:
        assert "column" in reply.text or "too long" in reply.text or "Usage" in reply.text
    assert world.store.article_count() == 6  # nothing was dropped


def test_drill_star_still_works_after_hostility(world: World) -> None:
    reply = asyncio.run(execute("search drill*", world.request(), world.env()))
    assert "Admiral Vell opens naval drills" in reply.text


_ALPHABET = st.sampled_from(
    [*"abdrilvn \"*()^:-+{}'@#/;,.", "AND", "OR", "NOT", "NEAR", "NEAR/2", "مناورات", "ال"]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_ALPHABET, min_size=1, max_size=12).map(" ".join))
def test_any_query_is_safe(world: World, query: str) -> None:
    reply = asyncio.run(execute(f"search {query}", world.request(), world.env()))
    assert "went wrong" not in reply.text, (query, reply.text)


def test_store_search_rejects_nothing_it_built(tmp_path: Path) -> None:
    from bot.core.commands.textquery import text_query
    from bot.core.query import parse_query

    w = build_world(tmp_path / "nw.db")
    for query in ['"naval manoeuvres"', "مناورات OR envoy", "vell NEAR/2 bridge", "@ostmark"]:
        text = text_query(parse_query(query), w.rules)
        assert w.store.search_articles(text, w.now.replace(year=2000), 50, 0)
