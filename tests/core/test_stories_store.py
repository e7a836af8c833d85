"""Stories kept in a real SQLite file: grouping results stored, titled, listed, closed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.core.headline import headline
from bot.core.stories import GroupingParams, StoryDoc, StoryIndex
from bot.models import Article
from bot.store import Store, open_store

DATA = Path(__file__).parent.parent / "data" / "stories"


def _ingest(store: Store, index: StoryIndex, item: dict[str, object], when: datetime) -> int:
    """What the pipeline does for one new article, in the same order."""
    article = Article(
        key=str(item["id"]),
        source_id=str(item["source"]),
        source_name=str(item["source"]).title(),
        url=f"https://{item['source']}.example/{item['id']}",
        title=str(item["title"]),
        text=str(item["text"]),
        fetched=when,
        lang=str(item["lang"]),
    )
    article_id = store.add_article(article, "", "")
    assert article_id is not None
    entities = frozenset(item["entities"])  # type: ignore[arg-type]
    doc = StoryDoc(
        article_id,
        article.source_id,
        article.lang,
        article.title,
        article.text,
        when,
        entities,
        article.url,
        frozenset(item.get("places", ())),  # type: ignore[call-overload]
    )
    got = index.assign(doc)
    story = got.story_id or store.create_story(article.title, article.text[:200], when)
    index.add(doc, story)
    store.attach_article(story, article_id, when, entities, ())
    store.set_story_headline(story, *headline(store.story_headlines(story)))
    return story


def test_story_grows_over_fetch_cycles_in_the_store_and_lists_every_outlet(
    db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load((DATA / "growth.yaml").read_text(encoding="utf-8"))
    db = db_target  # a SQLite file, then a PostgreSQL database
    store = open_store(db)
    index = StoryIndex(GroupingParams(window_hours=float(data["window_hours"])))
    ids: dict[str, int] = {}
    for cycle in data["cycles"]:
        store.close_stories(index.expire(cycle["now"]))
        for item in cycle["articles"]:
            ids[item["id"]] = _ingest(store, index, item, cycle["now"])
    drill = store.story(ids["c1-a"])
    assert drill is not None
    assert ids["c1-a"] == ids["c2-a"] == ids["c3-a"] != ids["c4-a"]
    assert [o.name for o in drill.outlets] == ["Coastal-Post", "Daily-Anchor", "Wire-Digest"]
    assert drill.first_seen < drill.last_seen
    since = data["cycles"][0]["now"] - timedelta(days=1)
    assert [s.id for s in store.stories_since(since, open_only=True)] == [ids["c4-a"]]
    store.close()

    days = (datetime.now(UTC) - since).days + 1
    assert main(["stories", "--db", str(db), "--since", f"{days}d", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {s["id"] for s in listed} == {ids["c1-a"], ids["c4-a"]}
    by_id = {s["id"]: s for s in listed}
    assert [o["url"] for o in by_id[ids["c1-a"]]["outlets"]] == [
        "https://coastal-post.example/c1-a",
        "https://daily-anchor.example/c2-a",
        "https://wire-digest.example/c3-a",
    ]
    assert main(["stories", "--db", str(db), "--since", f"{days}d"]) == 0
    assert "https://wire-digest.example/c3-a" in capsys.readouterr().out
    assert main(["stories", "--db", str(db), "--since", "soon"]) == 2
