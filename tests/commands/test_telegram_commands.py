"""Chat commands through the real python-telegram-bot Application, polling a fake Bot API
on 127.0.0.1; assertions are on what the fake received."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.chat.telegram_commands import TelegramApp, publish, telegram_application
from bot.core.commands import visible
from tests.fakes.telegram_api import FakeTelegram
from tests.world import World, build_world

ADMIN, MEMBER, OWNER, LISTED = 1, 2, 3, 99


@pytest.fixture
def world(tmp_path: Path) -> World:
    return build_world(tmp_path / "nw.db")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(admins={ADMIN: "administrator", OWNER: "creator"}, username="nwbot") as f:
        yield f


@pytest.fixture
async def app(fake: FakeTelegram, world: World) -> AsyncIterator[TelegramApp]:
    application = telegram_application(
        "123:TEST",
        env=world.env(),
        base_url=fake.base_url,
        admins=[str(LISTED)],
        clock=lambda: world.now,
    )
    await application.initialize()
    await publish(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=1)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def _reply(fake: FakeTelegram, text: str, **who: Any) -> dict[str, Any]:
    before = len(fake.of("sendMessage"))
    await fake.say(text, **who)
    return (await fake.wait_for("sendMessage", before + 1))[-1]


async def test_commands_published(app: TelegramApp, fake: FakeTelegram) -> None:
    (call,) = fake.of("setMyCommands")
    names = [c["command"] for c in call["commands"]]
    assert names == [c.name for c in visible()]
    assert all(0 < len(c["description"]) <= 256 for c in call["commands"])


async def test_every_command_answers(app: TelegramApp, fake: FakeTelegram, world: World) -> None:
    story = world.story_ids[1]
    lines = {
        "/help": "newswatch commands:",
        "/start": "newswatch commands:",
        "/subscribe@nwbot naval-drills": "Subscribed to #naval-drills (Naval drills) (digest).",
        "/unsubscribe naval-drills": "Unsubscribed from #naval-drills",
        "/list": "No subscriptions here yet",
        "/topics": "#naval-drills — Naval drills",
        "/entities": "@admiral-vell — Admiral Vell (person)",
        "/search drill*": "Admiral Vell opens naval drills",
        "/latest": "Tidewater Gazette · Qamar Daily",
        "/digest": "no subscriptions yet",
        "/schedule daily 06:15": "15 6 * * *",
        f"/mute {story}": f"Story {story} muted",
        f"/why {story}": "@admiral-vell (Admiral Vell)",
        "/sources": "Saltmarsh Courier: FAILING",
        "/status": "6 articles in 4 stories",
        "/language en": "now gets English",
        "/watch quay harbor OR drill*": "Watching quay: harbor OR drill* (instant).",
        "/watches": "• quay — harbor OR drill*",
        "/unwatch quay": "Stopped watching quay.",
        '/entity add kestrin "Kestrin Dagh" Kestrin': "only the instance's administrators",
        "/source pause qamar": "only the instance's administrators",
    }
    for line, expected in lines.items():
        sent = await _reply(fake, line, user_id=ADMIN)
        assert expected in sent["text"], (line, sent["text"])
        assert sent["chat_id"] == -100
        assert sent["link_preview_options"] == {"is_disabled": True}
        assert "parse_mode" not in sent  # plain text: nothing in it is markup
    said = {line.split()[0].lstrip("/").split("@")[0] for line in lines}
    assert {c.name for c in visible()} <= said


async def test_permission_model(app: TelegramApp, fake: FakeTelegram) -> None:
    refusal = await _reply(fake, "/subscribe naval-drills", user_id=MEMBER)
    assert "only chat administrators can change this channel's subscriptions" in refusal["text"]
    asked = fake.of("getChatMember")
    assert asked[-1] == {"chat_id": -100, "user_id": MEMBER}
    for user in (ADMIN, OWNER, LISTED):
        ok = await _reply(fake, "/subscribe @ostmark", user_id=user)
        assert "@ostmark" in ok["text"] and "only chat administrators" not in ok["text"]
    private = await _reply(
        fake, "/schedule hourly", user_id=MEMBER, chat_id=MEMBER, chat_type="private"
    )
    assert "Digest schedule set to 0 * * * *" in private["text"]
    members_read = await _reply(fake, "/list", user_id=MEMBER)
    assert "@ostmark (Ostmark) — digest" in members_read["text"]
    checks = len(fake.of("getChatMember"))
    await _reply(fake, "/topics", user_id=MEMBER)
    assert len(fake.of("getChatMember")) == checks  # read-only commands ask nothing


async def test_unknown_commands(app: TelegramApp, fake: FakeTelegram) -> None:
    await fake.say("/weather", user_id=ADMIN)  # in a group, maybe for another bot: silence
    await fake.say("/subscribe@otherbot naval-drills", user_id=ADMIN)  # not for us
    sent = await _reply(fake, "/weather@nwbot", user_id=ADMIN)
    assert "I don't know the command 'weather'" in sent["text"]
    assert len(fake.of("sendMessage")) == 1
    private = await _reply(fake, "/weather", user_id=MEMBER, chat_id=MEMBER, chat_type="private")
    assert "I don't know the command 'weather'" in private["text"]


async def test_edited_command_is_not_run_again(app: TelegramApp, fake: FakeTelegram) -> None:
    await fake.say("/subscribe naval-drills", user_id=ADMIN)
    await fake.wait_for("sendMessage", 1)
    message = dict(fake.updates[-1]["message"], text="/unsubscribe naval-drills", edit_date=1)
    message["entities"] = [{"type": "bot_command", "offset": 0, "length": 12}]
    fake.push_update({"edited_message": message})
    listed = await _reply(fake, "/list", user_id=ADMIN)  # updates are handled in order
    assert "#naval-drills (Naval drills) — digest" in listed["text"]
    assert len(fake.of("sendMessage")) == 2


async def test_confirmation_buttons(app: TelegramApp, fake: FakeTelegram) -> None:
    await _reply(fake, "/subscribe naval-drills", user_id=ADMIN)
    ask = await _reply(fake, "/unsubscribe all", user_id=ADMIN)
    assert "Remove all 1 subscriptions" in ask["text"]
    (yes, cancel) = ask["reply_markup"]["inline_keyboard"][0]
    assert (yes["text"], cancel["text"]) == ("Yes", "Cancel")
    assert all(len(b["callback_data"].encode()) <= 64 for b in (yes, cancel))
    # a member's press is refused beside the message, the admin's question stays
    await fake.press(yes["callback_data"], message_id=777, user_id=MEMBER)
    refusal = (await fake.wait_for("sendMessage", 3))[-1]
    assert "only chat administrators" in refusal["text"]
    assert fake.of("editMessageText") == []
    await fake.press(cancel["callback_data"], message_id=777, user_id=ADMIN)
    (edit,) = await fake.wait_for("editMessageText", 1)
    assert edit["text"] == "Nothing changed." and edit["message_id"] == 777
    await fake.press(yes["callback_data"], message_id=777, user_id=ADMIN)
    edits = await fake.wait_for("editMessageText", 2)
    assert edits[1]["text"] == "Removed 1 subscriptions."
    assert len(fake.of("answerCallbackQuery")) == 3
    expired = "nw999999"
    # a member's press of an expired button is answered beside: the admin's message stays
    await fake.press(expired, message_id=777, user_id=MEMBER)
    beside = (await fake.wait_for("sendMessage", 4))[-1]
    assert "This button has expired" in beside["text"]
    assert len(fake.of("editMessageText")) == 2
    await fake.press(expired, message_id=777, user_id=ADMIN)
    edits = await fake.wait_for("editMessageText", 3)
    assert "This button has expired" in edits[2]["text"]


async def test_search_paging_and_hostile_queries(
    app: TelegramApp, fake: FakeTelegram, world: World
) -> None:
    from bot.core.normalize import normalize
    from bot.models import Article

    for i in range(12):
        title = f"Coastal drill report {i}"
        t = world.now.replace(hour=i)
        a = Article(f"p{i}", "qamar", "Qamar Daily", f"https://q.example/{i}", title, "", t, t)
        world.store.add_article(a, normalize(title), "")
    long_query = "drill* OR " + " OR ".join(f"word{i}" for i in range(12))
    first = await _reply(fake, f"/search {long_query}", user_id=MEMBER)
    assert "1. Coastal drill report 11" in first["text"]
    (nxt,) = first["reply_markup"]["inline_keyboard"][0]
    assert nxt["text"] == "Next ›" and len(nxt["callback_data"].encode()) <= 64
    await fake.press(nxt["callback_data"], message_id=first_id(fake), user_id=MEMBER)
    (page2,) = await fake.wait_for("editMessageText", 1)
    assert "11. Coastal drill report 1" in page2["text"]
    labels = [b["text"] for b in page2["reply_markup"]["inline_keyboard"][0]]
    assert labels == ["‹ Previous"]
    for hostile in ["NEAR(drill", "'); DROP TABLE articles; --", '"drill', "drill*)", "*"]:
        sent = await _reply(fake, f"/search {hostile}", user_id=MEMBER)
        assert "went wrong" not in sent["text"], hostile
    error = await _reply(fake, "/search (drill OR", user_id=MEMBER)
    assert "at column 10" in error["text"] and "(drill OR\n         ^" in error["text"]
    assert world.store.article_count() == 18


def first_id(fake: FakeTelegram) -> int:
    return 1000  # any message id: the fake echoes it back in the edit


async def test_arabic_channel(app: TelegramApp, fake: FakeTelegram) -> None:
    await _reply(fake, "/language ar", user_id=ADMIN)
    sent = await _reply(fake, "/subscribe naval-drills", user_id=MEMBER)
    assert sent["text"].startswith("\u200fعذراً، وحدهم مشرفو المحادثة")  # right to left
