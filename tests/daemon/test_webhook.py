"""Telegram through a webhook: the real `newswatch run` registers it with the fake Bot API,
and the test plays Telegram, posting updates to the daemon's webhook route."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.daemon.harness import (
    TOKEN,
    Daemon,
    Outlets,
    RecordingTelegram,
    free_port,
    read_db,
    write_config,
)
from tests.fakes.telegram_api import text_message

PUBLIC_URL = "https://newswatch.example.org/hooks/telegram"
SECRET = "webhook-Secret_for-the-daemon-test"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_config(home: Path, outlets: Outlets, port: int, hook_port: int) -> Path:
    config = write_config(home, outlets, [], port=port)
    with config.open("a", encoding="utf-8") as f:
        f.write(
            f"telegram: {{webhook_url: '{PUBLIC_URL}', webhook_host: 127.0.0.1,\n"
            f"           webhook_port: {hook_port}, webhook_path: /tg}}\n"
        )
    return config


def command(text: str, chat_id: int, update_id: int) -> dict[str, Any]:
    """An Update as Telegram posts it: a user's /command in a private chat."""
    chat = {"id": chat_id, "type": "private", "first_name": "Ana"}
    user = {"id": chat_id, "is_bot": False, "first_name": "Ana"}
    return {"update_id": update_id, "message": text_message(text, 900 + update_id, chat, user)}


def post(hook_port: int, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[HEADER] = secret
    url = f"http://127.0.0.1:{hook_port}/tg"
    return httpx.post(url, content=body, headers=headers, timeout=5.0).status_code


def telegram_check(daemon: Daemon) -> dict[str, Any] | None:
    response = daemon.get("/readyz")
    return None if response is None else dict(response.json()["checks"]["telegram"])


def test_webhook_registers_answers_commands_and_refuses_strangers(
    home: Path, outlets: Outlets, telegram: RecordingTelegram
) -> None:
    port, hook_port = free_port(), free_port()
    config = webhook_config(home, outlets, port, hook_port)
    # DEBUG: python-telegram-bot then logs setWebhook's parameters, secret included
    env = {"TELEGRAM_WEBHOOK_SECRET": SECRET, "NEWSWATCH_LOG_LEVEL": "DEBUG"}
    daemon = Daemon(config, telegram, port, extra_env=env)
    chat = 777
    try:
        daemon.wait("setWebhook", lambda: telegram.webhook)
        daemon.wait("readiness", lambda: (c := telegram_check(daemon)) and c["ok"])
        assert telegram_check(daemon) == {"ok": True, "detail": "webhook"}
        (registered,) = telegram.calls("setWebhook")

        stranger = json.dumps(command("/subscribe harbour", chat, 1)).encode()
        refused = [post(hook_port, stranger, "not-the-secret"), post(hook_port, stranger, None)]
        malformed = [
            post(hook_port, b'{"update_id": 2, "message": {', SECRET),
            post(hook_port, b"[1, 2]", SECRET),
            post(hook_port, json.dumps({"message": {"text": "/help"}}).encode(), SECRET),
        ]
        good = post(hook_port, json.dumps(command("/subscribe drills", chat, 3)).encode(), SECRET)
        daemon.wait("the reply", lambda: telegram.texts(chat))
        again = post(hook_port, json.dumps(command("/list", chat, 4)).encode(), SECRET)
        replies = daemon.wait("the second reply", lambda: len(telegram.texts(chat)) >= 2 and
                              telegram.texts(chat))  # fmt: skip
        ready = telegram_check(daemon)
        code, _ = daemon.signal(signal.SIGTERM)
    finally:
        daemon.kill()
    assert code == 0, daemon.logs()

    assert telegram.webhook == {"url": PUBLIC_URL, "secret_token": SECRET}
    assert registered.params["allowed_updates"] == ["message", "callback_query"]
    assert refused == [403, 403]
    assert malformed == [400, 400, 400]
    assert (good, again) == (200, 200)
    # updates run in order, so a refused /subscribe harbour would have answered first
    assert len(replies) == 2, replies
    assert replies[0].startswith("Subscribed to #drills"), replies
    assert "#drills" in replies[1] and "harbour" not in " ".join(replies)
    channel = read_db(home / "newswatch.db", lambda s: s.channel(f"telegram-{chat}"))
    assert channel is not None and "drills" in {s.target for s in channel.subscriptions}
    assert ready == {"ok": True, "detail": "webhook"}  # bad requests did not break it

    assert telegram.calls("getUpdates") == []  # no long polling beside the webhook
    assert telegram.calls("deleteWebhook") == []  # kept for the next start
    assert telegram.calls("setMyCommands")
    text = daemon.out.read_text(encoding="utf-8") + daemon.err.read_text(encoding="utf-8")
    assert SECRET not in text and TOKEN not in text
    logged = [r["message"] for r in daemon.records() if "`setWebhook`" in r["message"]]
    assert logged and "***" in logged[0], logged  # the line was there, redacted
    assert daemon.logged(f"telegram: webhook endpoint on 127.0.0.1:{hook_port}/tg")


def test_without_a_secret_each_start_makes_one_and_registration_is_retried(
    home: Path, outlets: Outlets, telegram: RecordingTelegram
) -> None:
    port, hook_port = free_port(), free_port()
    config = webhook_config(home, outlets, port, hook_port)
    telegram.fail("setWebhook", 500)  # Telegram down at the first try
    env = {"NEWSWATCH_LOG_LEVEL": "DEBUG"}
    first = Daemon(config, telegram, port, extra_env=env)
    try:
        first.wait("the failed setWebhook", lambda: telegram.calls("setWebhook"))
        before = telegram_check(first)
        first.wait("the retried setWebhook", lambda: telegram.webhook, timeout=30)
        first.wait("readiness", lambda: (c := telegram_check(first)) and c["ok"])
        made = str(telegram.webhook["secret_token"])
        help_ = json.dumps(command("/help", 778, 1)).encode()
        answered = post(hook_port, help_, made)
        first.wait("the help reply", lambda: telegram.texts(778))
        code, _ = first.signal(signal.SIGTERM)
    finally:
        first.kill()
    assert code == 0, first.logs()
    assert before == {"ok": False, "detail": "webhook: not registered"}
    assert answered == 200
    assert telegram.texts(778)[0].startswith("newswatch commands:")
    assert len(made) >= 32

    second = Daemon(config, telegram, port, name="run2", extra_env=env)
    try:
        second.wait("setWebhook again", lambda: len(telegram.calls("setWebhook")) == 3)
        remade = str(telegram.webhook["secret_token"])
        stale = post(hook_port, help_, made)
        topics = json.dumps(command("/topics", 778, 2)).encode()
        fresh = post(hook_port, topics, remade)
        replies = second.wait("the topics reply", lambda: len(telegram.texts(778)) >= 2 and
                              telegram.texts(778))  # fmt: skip
        code, _ = second.signal(signal.SIGTERM)
    finally:
        second.kill()
    assert code == 0, second.logs()
    assert remade and remade != made
    assert (stale, fresh) == (403, 200)
    # in order: had the stale /help been taken, its answer would come before this one
    assert len(replies) == 2 and "#drills" in replies[1], replies
    for run in (first, second):
        text = run.out.read_text(encoding="utf-8") + run.err.read_text(encoding="utf-8")
        assert made not in text and remade not in text, run.name
        assert run.logged("`setWebhook`")


def test_a_secret_telegram_would_refuse_stops_the_start(home: Path, outlets: Outlets) -> None:
    config = webhook_config(home, outlets, free_port(), free_port())
    bad = "has spaces and $ signs"
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": bad, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "$TELEGRAM_WEBHOOK_SECRET" in done.stderr
    assert bad not in done.stderr + done.stdout
