"""A watch belongs to its channel: another channel's `why` and digest tags do not name it,
though the same story matched both (apply_rules tags stored stories as a reload would)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.app.chatrules import with_chat_rules
from bot.app.deliver import Vocabulary
from bot.app.reapply import apply_rules
from bot.core.commands import execute
from bot.core.render import views
from bot.models import Digest, DigestItem
from tests.world import build_world


async def test_other_channels_watches_stay_out_of_why_and_tags(tmp_path: Path) -> None:
    world = build_world(tmp_path / "nw.db")
    env = world.env()
    desk, ops = world.request("-100"), world.request("-200")
    assert (await execute("watch fleet drill* OR manoeuvres", desk, env)).ok
    assert (await execute("watch secret-ops drill*", ops, env)).ok
    rules = with_chat_rules(world.rules, world.store)
    apply_rules(world.store, rules, world.now - timedelta(days=30), world.now)
    story = world.story_ids[1]

    mine = (await execute(f"why {story}", desk, env)).text
    assert "watch fleet" in mine and "secret-ops" not in mine
    theirs = (await execute(f"why {story}", ops, env)).text
    assert "watch secret-ops" in theirs and "fleet" not in theirs

    stored = world.store.story(story)
    assert stored is not None and {
        "chat:telegram--100:fleet",
        "chat:telegram--200:secret-ops",
    } <= set(stored.topic_ids)
    digest = Digest("telegram--100", world.now, (DigestItem(stored),))
    (view,) = views(digest, Vocabulary.from_rules(rules).labels)
    assert "fleet" in view.tags and "secret-ops" not in view.tags
    assert "Naval drills" in view.tags  # file topics are everyone's
