"""Rules made in chat in the store, on both engines: entities with their aliases, watches
with their channel's subscription, both kept apart per channel and never duplicated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.core.chatrules import ChatEntity, ChatRules, ChatWatch
from bot.store import Store, open_store

T0 = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(db_target: str) -> Iterator[Store]:
    opened = open_store(db_target)
    yield opened
    opened.close()


def test_chat_entities_add_alias_remove(store: Store) -> None:
    assert store.chat_rules() == ChatRules()
    kestrin = ChatEntity("kestrin", "Kestrin Dagh", ("Kestrin Dagh", "كسترين"), "person")
    assert store.add_chat_entity(kestrin, "7", T0) is True
    assert store.add_chat_entity(ChatEntity("kestrin", "Other", ("x",)), "8", T0) is False
    assert store.add_chat_entity(ChatEntity("veska", "Veska Orn", ("Veska",)), "7", T0)
    assert store.chat_rules().entities == (kestrin, ChatEntity("veska", "Veska Orn", ("Veska",)))

    # new spellings are appended once; a known one (any case) is not added again
    assert store.add_chat_aliases("kestrin", ["kestrin dagh", "کسترین", "Kestrine"]) == 2
    assert store.add_chat_aliases("kestrin", ["KESTRINE"]) == 0
    assert store.add_chat_aliases("nobody", ["x"]) is None
    (first, _) = store.chat_rules().entities
    assert first.aliases == ("Kestrin Dagh", "كسترين", "کسترین", "Kestrine")
    assert first.kind == "person"

    assert store.remove_chat_entity("kestrin") is True
    assert store.remove_chat_entity("kestrin") is False
    assert [e.id for e in store.chat_rules().entities] == ["veska"]


def test_watches_come_with_their_subscription(store: Store) -> None:
    channel = store.ensure_channel("telegram", "-100", "UTC")
    other = store.ensure_channel("slack", "C01", "UTC")
    caspian = ChatWatch(channel.id, "caspian", '"بحر قزوين" OR Caspian')
    assert store.save_watch(caspian, "instant", "7", T0) == "added"
    assert store.save_watch(caspian, "instant", "7", T0) == "same"
    changed = ChatWatch(channel.id, "caspian", "Caspian")
    assert store.save_watch(changed, "digest", "7", T0) == "changed"
    assert store.save_watch(ChatWatch(other.id, "caspian", "Kura"), "instant", "U1", T0)

    assert store.chat_rules().watches == (ChatWatch(other.id, "caspian", "Kura"), changed)
    subs = store.channel(channel.id)
    assert subs is not None
    assert [(s.target, s.mode) for s in subs.subscriptions] == [(changed.topic_id, "digest")]
    assert store.subscription_origins(channel.id) == {changed.topic_id: "chat"}
    assert changed.topic_id == "chat:telegram--100:caspian"

    assert store.remove_watch(channel.id, "caspian") is True
    assert store.remove_watch(channel.id, "caspian") is False
    after = store.channel(channel.id)
    assert after is not None and after.subscriptions == ()
    assert [w.channel_id for w in store.chat_rules().watches] == [other.id]  # the other stays
