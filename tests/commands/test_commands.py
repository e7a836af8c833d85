"""Every chat command through the real Store (tmp SQLite) and matcher, as table cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.commands import execute, visible
from bot.models import Reply
from tests.world import DATA, World, build_world

CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "cases.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def world(tmp_path: Path) -> World:
    return build_world(tmp_path / "nw.db")


def _fill(text: str, world: World) -> str:
    for n, sid in world.story_ids.items():
        text = text.replace(f"{{story{n}}}", str(sid))
    return text


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
async def test_command_case(case: dict[str, Any], world: World) -> None:
    env = world.env()
    last: Reply | None = None
    for i, step in enumerate(case["steps"]):
        request = world.request(
            may_change=step.get("admin", True), instance_admin=step.get("instance_admin", False)
        )
        if "press" in step:
            assert last is not None
            line = last.buttons[step["press"] - 1].action
        else:
            line = _fill(step["say"], world)
        reply = await execute(line, request, env)
        where = f"step {i} ({line!r}) replied:\n{reply.text}"
        for want in step.get("expect", []):
            assert _fill(want, world) in reply.text, where
        for unwanted in step.get("absent", []):
            assert _fill(unwanted, world) not in reply.text, where
        if "ok" in step:
            assert reply.ok is step["ok"], where
        if "buttons" in step:
            assert [b.action for b in reply.buttons] == step["buttons"], where
        last = reply


async def test_every_visible_command_has_a_case() -> None:
    said = {
        s["say"].split()[0].lstrip("/").split("@")[0]
        for c in CASES
        for s in c["steps"]
        if s.get("say", "").strip()
    }
    assert {c.name for c in visible()} <= said


async def test_subscription_from_chat_is_stored_with_origin_chat(world: World) -> None:
    await execute("subscribe @ostmark instant", world.request("-42"), world.env())
    channel = world.store.channel_for("telegram", "-42")
    assert channel is not None and channel.id == "telegram--42"
    assert [(s.target, s.mode) for s in channel.subscriptions] == [("@ostmark", "instant")]
    assert world.store.subscription_origins(channel.id) == {"@ostmark": "chat"}
    assert world.store.channel_for("telegram", "-43") is None  # another chat is untouched


async def test_search_pages_with_buttons(world: World) -> None:
    # eleven more articles that match, so page 2 exists
    from bot.core.normalize import normalize
    from bot.models import Article

    for i in range(11):
        title = f"Harbor drill number {i}"
        t = world.now.replace(hour=i)
        a = Article(
            f"x{i}", "tidewater", "Tidewater Gazette", f"https://t.example/{i}", title, "", t, t
        )
        assert world.store.add_article(a, normalize(title), "") is not None
    env = world.env()
    first = await execute("search drill* --days 2", world.request(), env)
    assert "1. Harbor drill number 10" in first.text and "10. Harbor drill number 1 —" in first.text
    assert [b.action for b in first.buttons] == ["search --days 2 drill* --page 2"]
    second = await execute(first.buttons[0].action, world.request(), env)
    assert "11. Harbor drill number 0" in second.text
    assert "12. Admiral Vell opens naval drills" in second.text
    assert [b.label for b in second.buttons] == ["‹ Previous"]


def test_chat_docs_table_is_generated_from_the_docstrings() -> None:
    import re

    from bot.core.commands.docs import commands_markdown

    docs = (Path(__file__).parent.parent.parent / "docs" / "chat.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- chat-commands -->\n(.*?)\n<!-- /chat-commands -->", docs, re.S)
    assert m, "docs/chat.md lacks the chat-commands markers"
    assert m.group(1) == commands_markdown(), "regenerate the table from commands_markdown()"


async def test_entity_search_finds_letter_variant_spellings(world: World) -> None:
    """قاليا is غاليا to the matcher (g-letter variants) but not to FTS5: the articles the
    pipeline matched to @galia are candidates too."""
    from bot.core.normalize import normalize
    from bot.models import Article

    title, text = "وفد من قاليا يصل إلى العاصمة", "قال الوفد إن الزيارة تستمر يومين."
    t = world.now
    article = Article("g1", "qamar", "Qamar Daily", "https://qamar.example/g1", title, text, t, t)
    aid = world.store.add_article(article, normalize(title), normalize(text))
    assert aid is not None
    result = world.matcher.match(title, text)
    assert result.entity_ids == {"galia"}
    world.store.save_matches(aid, result)
    reply = await execute("search @galia", world.request(), world.env())
    assert "وفد من قاليا" in reply.text, reply.text
    both = await execute("search @galia AND الزيارة", world.request(), world.env())
    assert "وفد من قاليا" in both.text, both.text


async def test_search_word_with_proclitics_finds_the_bare_word(world: World) -> None:
    """`والعقوبات` typed in a search finds an article that says `عقوبات`, as a rule would."""
    from bot.core.normalize import normalize
    from bot.models import Article

    title, text = "مجلس المدينة يناقش عقوبات جديدة", "قال المتحدث إن النقاش يستمر أسبوعا."
    t = world.now
    url = "https://qamar.example/s1"
    article = Article("sanctions-1", "qamar", "Qamar Daily", url, title, text, t, t)
    assert world.store.add_article(article, normalize(title), normalize(text)) is not None
    for query in ("والعقوبات", "بالعقوبات", "وعقوبات", '"والعقوبات جديدة"'):
        reply = await execute(f"search {query}", world.request(), world.env())
        assert "مجلس المدينة يناقش" in reply.text, (query, reply.text)
    reply = await execute("search والعقوبات NOT عقوبات", world.request(), world.env())
    assert "مجلس المدينة يناقش" not in reply.text, reply.text


async def test_arabic_headline_in_an_english_reply_keeps_the_line_left_to_right(
    world: World,
) -> None:
    """`#12 <Arabic title>` opens with no strong letter before the Arabic: without an LRM an
    English reader's chat app lays the whole line out right to left."""
    from datetime import timedelta

    from bot.core.i18n import LRM
    from tests.world import add_story

    seen = world.now - timedelta(minutes=5)
    sid = add_story(world.store, "وفد المدينة يزور الميناء الجديد", ["qamar"], seen)
    reply = await execute("latest", world.request(), world.env())
    (line,) = [x for x in reply.text.split("\n") if f"#{sid} " in x]
    assert line.startswith(LRM), repr(line)
    english = [
        x for x in reply.text.split("\n") if x and not any("\u0600" <= c <= "\u06ff" for c in x)
    ]
    assert english and not any(x.startswith(LRM) for x in english)  # plain lines unchanged


async def test_schedule_changes_only_the_schedule_and_says_so(world: World) -> None:
    """An instant-only channel stays instant when given a schedule (it used to become
    `both`, silently, and then got only high-priority stories at once)."""
    await execute("subscribe @ostmark", world.request("-7"), world.env())
    await execute("schedule off", world.request("-7"), world.env())
    reply = await execute("schedule daily 08:00", world.request("-7"), world.env())
    channel = world.store.channel_for("telegram", "-7")
    assert channel is not None and channel.mode == "instant" and channel.schedule == "0 8 * * *"
    assert "instant-only" in reply.text and "--digests" in reply.text, reply.text
    reply = await execute("schedule daily 09:00 --digests", world.request("-7"), world.env())
    channel = world.store.channel_for("telegram", "-7")
    assert channel is not None and channel.mode == "both" and channel.schedule == "0 9 * * *"
    assert "digests are on" in reply.text, reply.text
