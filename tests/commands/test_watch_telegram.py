"""End to end on the real daemon (`newswatch run` as a subprocess, the real
python-telegram-bot against the loopback fake Bot API, a loopback feed): a watch and an
entity made in a Telegram chat match the next article without a restart, and the channel
gets it, with its evidence stored and shown by `why`; those who may not are refused.

The feed holds its first answer until the commands are done, so the articles are matched
after the watch exists, as news that arrives after someone asked for it.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import Store
from tests.daemon.harness import Daemon, Item, Outlets, RecordingTelegram, free_port, read_db, rss
from tests.fakes.telegram_api import text_message

DATA = Path(__file__).parent.parent / "data" / "watch"
CHAT = -100555
ADMIN, STRANGER, OWNER = 7, 8, 9  # a chat admin; a member; on telegram.admins
CHANNEL = f"telegram-{CHAT}"

CASPIAN = Item(
    "q1",
    "Survey ships return from the northern shore",
    "The crews mapped the seabed of بحر قزوين for three weeks before returning.",
)
ZARIFI = Item(
    "q2",
    "التقى ولزريفی بالوفد التجاري",  # و + ل before the name, a Persian ye at its end
    "وقال المتحدث إن اللقاء تناول الموانئ والشحن.",
)
OTHER = Item("q3", "Bakery wins the regional bread prize", "The judges liked the rye.")


@pytest.fixture
def gate() -> threading.Event:
    return threading.Event()


@pytest.fixture
def outlets(gate: threading.Event) -> Iterator[Outlets]:
    def hold(path: str) -> float:
        gate.wait(120)  # the first fetch waits for the commands
        return 0.0

    with Outlets(delay=hold) as served:
        served.feeds["/qala.rss"] = rss(
            "Qala Post", [CASPIAN, ZARIFI, OTHER], served.base, served.now
        )
        yield served


@pytest.fixture
def telegram() -> Iterator[RecordingTelegram]:
    fake = RecordingTelegram()
    fake.admins = {ADMIN: "administrator"}
    with fake:
        yield fake


def _config(folder: Path, outlets: Outlets) -> Path:
    shutil.copy(DATA / "rules.yaml", folder / "rules.yaml")
    lines = [
        "database: newswatch.db",
        "rules: [rules.yaml]",
        "fetch: {allow_private: true, tick: 0.5, connect_timeout: 5.0, read_timeout: 150.0,",
        "        total_timeout: 160.0}",
        "delivery: {flush_interval: 1.0}",
        "reload: {poll_interval: 0.5}",
        f"health: {{host: 127.0.0.1, port: {free_port()}}}",
        "log: {format: json, level: INFO}",
        f"telegram: {{admins: ['{OWNER}']}}",
        "sources:",
        f"  - {{id: qala, name: Qala Post, url: '{outlets.base}/qala.rss', interval: 60}}",
    ]
    path = folder / "newswatch.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Chat:
    """Users typing in the group; each command's reply read back from the fake."""

    def __init__(self, telegram: RecordingTelegram, daemon: Daemon) -> None:
        self.telegram = telegram
        self.daemon = daemon
        self.n = 0

    def say(self, text: str, user: int) -> str:
        self.n += 1
        before = len(self.replies())
        chat = {"id": CHAT, "type": "supergroup", "title": "Desk"}
        who = {"id": user, "is_bot": False, "first_name": f"user{user}"}
        self.telegram.push_update({"message": text_message(text, 100 + self.n, chat, who)})
        self.daemon.wait(f"a reply to {text!r}", lambda: len(self.replies()) > before, 60.0)
        return self.replies()[-1]

    def replies(self) -> list[str]:
        return [
            str(r.params["text"])
            for r in self.telegram.messages
            if "parse_mode" not in r.params and str(r.params.get("chat_id")) == str(CHAT)
        ]

    def alerts(self) -> list[str]:
        return [
            str(r.params["text"])
            for r in self.telegram.messages
            if r.params.get("parse_mode") == "HTML" and str(r.params.get("chat_id")) == str(CHAT)
        ]


def _evidence(store: Store, title: str) -> tuple[int | None, dict[str, list[str]]]:
    """The story of the article titled `title`, and each matched rule's evidence surfaces."""
    found = [a for a in store.articles(range(1, 50)) if a.title == title]
    assert len(found) == 1, title
    aid = found[0].id or 0
    result = store.matches_for(aid)
    return store.story_of(aid), {
        m.id: [e.surface for e in m.evidence] for m in (*result.entities, *result.topics)
    }


def test_watch_and_entity_from_telegram_alert_the_channel(
    tmp_path: Path, outlets: Outlets, telegram: RecordingTelegram, gate: threading.Event
) -> None:
    daemon = Daemon(_config(tmp_path, outlets), telegram, 0, name="watch")
    try:
        chat = Chat(telegram, daemon)
        refused = chat.say('/watch caspian "بحر قزوين" OR Caspian', STRANGER)
        assert "only chat administrators can change this channel's watches" in refused
        reply = chat.say('/watch caspian "بحر قزوين" OR Caspian', ADMIN)
        assert "Watching caspian:" in reply and "(instant)" in reply
        bad = chat.say("/watch broken (Caspian Kura", ADMIN)
        assert "unclosed parenthesis at column 1" in bad and "(Caspian Kura\n^" in bad

        # entities: the instance's admins only, not a chat admin
        add = '/entity add zarifi --kind person "Ilyas Zarifi" زريفي "Ilyas Zarifi"'
        assert "only the instance's administrators" in chat.say(add, ADMIN)
        assert "Added @zarifi (Ilyas Zarifi) with 2 aliases" in chat.say(add, OWNER)
        assert "Watching z:" in chat.say("/watch z @zarifi", ADMIN)  # known at once
        listed = chat.say("/watches", STRANGER)
        assert "• caspian — " in listed and "بحر قزوين" in listed and "• z — @" in listed

        gate.set()  # the articles arrive now, after the watches
        daemon.wait(
            "both alerts",
            lambda: (
                any(CASPIAN.title in t for t in chat.alerts())
                and any("ولزريفی" in t for t in chat.alerts())
            ),
            60.0,
        )
        assert not any(OTHER.title in t for t in chat.alerts())

        db = tmp_path / "newswatch.db"
        story, evidence = read_db(db, lambda s: _evidence(s, CASPIAN.title))
        assert evidence == {f"chat:{CHANNEL}:caspian": ["بحر قزوين"]}
        _, evidence = read_db(db, lambda s: _evidence(s, ZARIFI.title))
        assert evidence == {"zarifi": ["ولزريفی"], f"chat:{CHANNEL}:z": ["ولزريفی"]}

        why = chat.say(f"/why {story}", STRANGER)
        assert "topic watch caspian: «بحر قزوين» Qala Post (text)" in why
    finally:
        gate.set()
        daemon.kill()
