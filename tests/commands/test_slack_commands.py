"""`/newswatch` through the real slack-bolt AsyncApp served over HTTP on 127.0.0.1: requests
signed with a test secret, answers captured at a fake response_url and Web API."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from bot.chat.slack_commands import slack_app, slack_web_app
from bot.core.commands import visible
from bot.models import Channel
from tests.fakes.base import Recorded
from tests.fakes.slack_api import FakeSlack
from tests.loopback import serving
from tests.world import World, build_world

SECRET = "test-signing-secret"
ADMIN, MEMBER, OWNER, LISTED = "UADMIN", "UMEMBER", "UOWNER", "ULISTED"


@pytest.fixture
def world(tmp_path: Path) -> World:
    return build_world(tmp_path / "nw.db")


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack()

    def users_info(params: dict[str, Any]) -> dict[str, Any]:
        user = params["user"]
        return {
            "ok": True,
            "user": {"id": user, "is_admin": user == ADMIN, "is_owner": user == OWNER},
        }

    server.results["users.info"] = users_info
    with server:
        yield server


class Bolt:
    """The bolt app on a loopback port, and a signing Slack-side client."""

    def __init__(self, url: str, fake: FakeSlack) -> None:
        self.url = url
        self.fake = fake
        self.http = httpx.AsyncClient(timeout=10)
        self.seq = 0

    async def post(
        self, body: str, *, secret: str = SECRET, age: int = 0, signature: str | None = None
    ) -> httpx.Response:
        ts = str(int(time.time()) - age)
        base = f"v0:{ts}:{body}".encode()
        sig = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
        headers = {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or sig,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return await self.http.post(self.url, content=body, headers=headers)

    def slash_body(self, text: str, user: str, channel: str) -> tuple[str, str]:
        self.seq += 1
        name = f"c{self.seq}"
        form = {
            "token": "legacy",
            "team_id": "T1",
            "channel_id": channel,
            "user_id": user,
            "command": "/newswatch",
            "text": text,
            "response_url": self.fake.response_url(name),
            "trigger_id": "trig",
        }
        return urlencode(form), name

    async def slash(self, text: str, user: str = ADMIN, channel: str = "C100") -> dict[str, Any]:
        body, name = self.slash_body(text, user, channel)
        response = await self.post(body)
        assert response.status_code == 200
        return (await self.answer(name)).params

    async def press(self, value: str, user: str = ADMIN, channel: str = "C100") -> dict[str, Any]:
        self.seq += 1
        name = f"b{self.seq}"
        payload = {
            "type": "block_actions",
            "team": {"id": "T1"},
            "user": {"id": user},
            "channel": {"id": channel},
            "container": {"type": "message", "channel_id": channel},
            "response_url": self.fake.response_url(name),
            "trigger_id": "trig",
            "actions": [{"action_id": "nw:0", "block_id": "b", "type": "button", "value": value}],
        }
        response = await self.post(urlencode({"payload": json.dumps(payload)}))
        assert response.status_code == 200
        return (await self.answer(name)).params

    async def answer(self, name: str) -> Recorded:
        for _ in range(500):  # the listener answers after the ack; wait for it to land
            found = [r for r in self.fake.calls("response_url") if r.params["_name"] == name]
            if found:
                return found[0]
            await asyncio.sleep(0.02)
        raise AssertionError(f"no answer at response_url {name}")


@pytest.fixture
async def bolt(fake: FakeSlack, world: World) -> AsyncIterator[Bolt]:
    app = slack_app(
        "xoxb-test",
        SECRET,
        env=world.env(),
        base_url=fake.base_url,
        admins=[LISTED],
        clock=lambda: world.now,
    )
    async with serving(slack_web_app(app)) as url:
        client = Bolt(f"{url}/slack/events", fake)
        yield client
        await client.http.aclose()


def _text(answer: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in answer["blocks"] if b["type"] == "section")


async def test_every_subcommand_answers(bolt: Bolt, world: World) -> None:
    story = world.story_ids[1]
    lines = {
        "": "newswatch commands:",
        "help": "newswatch commands:",
        "subscribe naval-drills": "Subscribed to #naval-drills (Naval drills) (digest).",
        "unsubscribe naval-drills": "Unsubscribed from #naval-drills",
        "list": "No subscriptions here yet",
        "topics": "#naval-drills — Naval drills",
        "entities": "@admiral-vell — Admiral Vell (person)",
        "search drill*": "Admiral Vell opens naval drills",
        "latest": "Tidewater Gazette · Qamar Daily",
        "digest": "no subscriptions yet",
        "schedule daily 06:15": "15 6 * * *",
        f"mute {story}": f"Story {story} muted",
        f"why {story}": "@admiral-vell (Admiral Vell)",
        "sources": "Saltmarsh Courier: FAILING",
        "status": "6 articles in 4 stories",
        "language en": "now gets English",
        "watch quay harbor OR drill*": "Watching quay: harbor OR drill* (instant).",
        "watches": "• quay — harbor OR drill*",
        "unwatch quay": "Stopped watching quay.",
        'entity add kestrin "Kestrin Dagh" Kestrin': "only the instance's administrators",
        "source pause qamar": "only the instance's administrators",
    }
    for line, expected in lines.items():
        answer = await bolt.slash(line)
        assert expected in _text(answer), (line, _text(answer))
        assert answer["text"]  # the notification fallback
    said = {line.split()[0] for line in lines if line}
    assert {c.name for c in visible()} <= said
    subscribed = await bolt.slash("subscribe @ostmark")
    assert subscribed["response_type"] == "in_channel"  # a change is shown to the channel
    assert (await bolt.slash("topics"))["response_type"] == "ephemeral"


async def test_watches_and_entities_through_slack(bolt: Bolt, world: World) -> None:
    """The same commands as on Telegram: a watch for the channel's admins, an entity for the
    users on `slack.admins` only (a workspace admin is not enough)."""
    refused = await bolt.slash("watch quay harbor", user=MEMBER)
    assert "only chat administrators can change this channel's watches" in _text(refused)
    add = 'entity add kestrin "Kestrin Dagh" "Kestrin Dagh" كسترين'
    assert "only the instance's administrators" in _text(await bolt.slash(add, user=ADMIN))
    added = await bolt.slash(add, user=LISTED)
    assert "Added @kestrin (Kestrin Dagh) with 2 aliases" in _text(added)
    watched = await bolt.slash("watch kd @kestrin", user=ADMIN)
    assert "Watching kd:" in _text(watched) and watched["response_type"] == "in_channel"
    assert "kestrin — Kestrin Dagh (thing) · added in chat" in _text(await bolt.slash("entities"))
    channel = world.store.channel_for("slack", "C100")
    assert channel is not None
    assert [s.target for s in channel.subscriptions] == ["chat:slack-C100:kd"]


async def test_permissions(bolt: Bolt, fake: FakeSlack) -> None:
    refusal = await bolt.slash("subscribe naval-drills", user=MEMBER)
    assert "only chat administrators can change" in _text(refusal)
    assert refusal["response_type"] == "ephemeral"
    assert fake.calls("users.info")[-1].params["user"] == MEMBER
    for user in (ADMIN, OWNER, LISTED):
        await bolt.slash("unsubscribe @ostmark", user=user)
        assert "Subscribed to @ostmark" in _text(await bolt.slash("subscribe @ostmark", user=user))
    dm = await bolt.slash("schedule hourly", user=MEMBER, channel="D777")
    assert "Digest schedule set to 0 * * * *" in _text(dm)
    asked = len(fake.calls("users.info"))
    await bolt.slash("list", user=MEMBER)
    assert len(fake.calls("users.info")) == asked  # reading needs no admin check


async def test_bad_and_stale_signatures_are_rejected(bolt: Bolt, fake: FakeSlack) -> None:
    body, _ = bolt.slash_body("subscribe naval-drills", ADMIN, "C100")
    assert (await bolt.post(body, secret="not-the-secret")).status_code == 401
    assert (await bolt.post(body, age=6 * 60)).status_code == 401
    assert (await bolt.post(body, signature="v0=deadbeef")).status_code == 401
    tampered = body.replace("naval-drills", "council-news")
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    response = await bolt.http.post(
        bolt.url,
        content=tampered,
        headers={
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert response.status_code == 401
    assert "No subscriptions" in _text(await bolt.slash("list"))  # none of them ran
    assert [r.params["_name"] for r in fake.calls("response_url")] == ["c2"]


async def test_rejected_request_bodies_are_not_logged(
    fake: FakeSlack, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Bolt logs a rejected request at INFO; its body (response_url, legacy token) is cut."""
    caplog.set_level(logging.INFO)
    app = slack_app("xoxb-test", SECRET, env=world.env(), base_url=fake.base_url)
    async with serving(slack_web_app(app)) as url:
        client = Bolt(f"{url}/slack/events", fake)
        body, name = client.slash_body("subscribe naval-drills", ADMIN, "C100")
        assert (await client.post(body, secret="not-the-secret")).status_code == 401
        await client.http.aclose()
    assert "Invalid request signature" in caplog.text  # bolt did log the rejection
    for secret in ("legacy", "response_url", fake.response_url(name), "naval-drills"):
        assert secret not in caplog.text, caplog.text


async def test_confirmation_and_paging_buttons(bolt: Bolt, world: World) -> None:
    await bolt.slash("subscribe naval-drills")
    ask = await bolt.slash("unsubscribe all")
    (actions,) = [b for b in ask["blocks"] if b["type"] == "actions"]
    values = [e["value"] for e in actions["elements"]]
    assert values == ["unsubscribe all --yes", "cancel"]
    refused = await bolt.press(values[0], user=MEMBER)
    assert "only chat administrators" in _text(refused) and refused["replace_original"] is False
    cancelled = await bolt.press(values[1])
    assert _text(cancelled) == "Nothing changed." and cancelled["replace_original"] is True
    done = await bolt.press(values[0])
    assert _text(done) == "Removed 1 subscriptions."

    from bot.core.normalize import normalize
    from bot.models import Article

    for i in range(12):
        title = f"Coastal drill report {i}"
        t = world.now.replace(hour=i)
        a = Article(f"p{i}", "qamar", "Qamar Daily", f"https://q.example/{i}", title, "", t, t)
        world.store.add_article(a, normalize(title), "")
    first = await bolt.slash("search drill* --days 3", user=MEMBER)
    (actions,) = [b for b in first["blocks"] if b["type"] == "actions"]
    page2 = await bolt.press(actions["elements"][0]["value"], user=MEMBER)
    assert "11. Coastal drill report 1" in _text(page2)


async def test_hostile_text_stays_inert(bolt: Bolt) -> None:
    for hostile in ["<!channel> NEAR(", "'); DROP TABLE articles; --", '"drill', "<@U123>*"]:
        answer = await bolt.slash(f"search {hostile}", user=MEMBER)
        text = _text(answer)
        assert "went wrong" not in text, hostile
        assert "<!channel>" not in text and "<@U123>" not in text
    unknown = await bolt.slash("<!here> hello", user=MEMBER)
    assert "&lt;!here&gt;" in _text(unknown)


async def test_ack_comes_before_the_work(fake: FakeSlack, world: World) -> None:
    """The HTTP answer (the ack) returns while the digest is still being sent."""
    release = asyncio.Event()

    async def slow_digest(channel: Channel) -> int:
        await release.wait()
        return 3

    env = world.env()
    env.digest_now = slow_digest
    app = slack_app("xoxb-test", SECRET, env=env, base_url=fake.base_url, admins=[ADMIN])
    async with serving(slack_web_app(app)) as url:
        bolt = Bolt(f"{url}/slack/events", fake)
        try:
            await bolt.slash("subscribe naval-drills")
            body, name = bolt.slash_body("digest", ADMIN, "C100")
            response = await bolt.post(body)
            assert response.status_code == 200  # acknowledged while slow_digest still waits
            assert [r for r in fake.calls("response_url") if r.params["_name"] == name] == []
            release.set()
            assert "Sent a digest of 3 stories." in _text((await bolt.answer(name)).params)
        finally:
            await bolt.http.aclose()
