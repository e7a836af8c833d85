from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, secrets_from_env, with_webhook_secret
from bot.settings import SETTINGS, parse_duration

GOOD = """\
database: data/nw.db
rules: [rules/*.yaml]
fetch:
  concurrency: 8
  user_agent: test-agent
sources:
  - id: alpha
    url: https://alpha.example/feed.xml
    interval: 15m
    lang: ar
  - id: beta
    kind: html
    url: https://beta.example/news/
    selector: "ul.news a"
channels:
  - id: ops
    platform: telegram
    destination: -100123
    subscriptions: [drones, "@shoigu", {target: sanctions, mode: instant}]
    mode: both
    schedule: "0 8,20 * * *"
    timezone: Asia/Tehran
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_config_reads_every_part(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), env={})
    assert config.database == tmp_path / "data/nw.db"
    assert config.settings.fetch.concurrency == 8
    assert config.settings.fetch.user_agent == "test-agent"
    assert [s.id for s in config.sources] == ["alpha", "beta"]
    assert config.sources[0].interval == 900 and config.sources[0].lang == "ar"
    assert config.sources[1].kind == "html" and config.sources[1].selector == "ul.news a"
    (ops,) = config.channels
    assert ops.destination == "-100123" and ops.mode == "both" and ops.timezone == "Asia/Tehran"
    assert [(s.target, s.mode) for s in ops.subscriptions] == [
        ("drones", "digest"),
        ("@shoigu", "digest"),
        ("sanctions", "instant"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("fetch:\n  concurency: 3\n", 2, "fetch.concurency: unknown setting"),
        ("fetch:\n  concurrency: many\n", 2, "fetch.concurrency: expected a whole number"),
        ("sources:\n  - id: a\n    url: ftp://x\n", 3, "sources[0].url"),
        (
            "sources:\n  - id: a\n    url: https://x\n  - id: a\n    url: https://y\n",
            4,
            "duplicate source id",
        ),
        (
            "sources:\n  - id: a\n    url: https://x\n    colour: red\n",
            4,
            "sources[0].colour: unknown key",
        ),
        (
            "channels:\n  - id: c\n    platform: telegram\n"
            "    destination: 1\n    schedule: daily\n",
            5,
            "channels[0].schedule",
        ),
        ("channels:\n  - id: c\n    timezone: Mars/Olympus\n", 3, "channels[0].timezone"),
        (
            "channels:\n  - id: c\n    language: de\n",
            3,
            "channels[0].language: must be en, ar, fa or ru",
        ),
        ("database: a\ndatabase: b\n", 2, "duplicate key 'database'"),
        ("sources: [\n", 2, "YAML syntax"),
        (
            "telegram:\n  webhook_url: http://bot.example.org/tg\n",
            2,
            "telegram.webhook_url: expected an https URL",
        ),
        (
            "telegram:\n  webhook_path: tg\n",
            2,
            "telegram.webhook_path: expected a path starting with /",
        ),
        (
            "telegram:\n  webhook_port: 70000\n",
            2,
            "telegram.webhook_port: expected a whole number from 1 to 65535",
        ),
    ],
)
def test_errors_name_file_line_and_key(tmp_path: Path, text: str, line: int, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    message = str(caught.value)
    assert f"{path}:{line}:" in message, message
    assert needle in message


def test_all_errors_reported_at_once(tmp_path: Path) -> None:
    text = "fetch:\n  per_host: x\nsources:\n  - id: a\n    url: nope\n"
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), env={})
    assert len(caught.value.problems) == 2


def test_environment_overrides_and_base_urls(tmp_path: Path) -> None:
    env = {"NEWSWATCH_FETCH_CONCURRENCY": "3", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot"}
    config = load_config(write(tmp_path, GOOD), env=env)
    assert config.settings.fetch.concurrency == 3
    assert config.settings.telegram.api_base_url == "http://127.0.0.1:9/bot"


def test_secrets_come_from_environment_and_never_show() -> None:
    secrets = secrets_from_env({"TELEGRAM_BOT_TOKEN": "123:SECRET", "SLACK_BOT_TOKEN": "xoxb-1"})
    assert secrets.telegram_bot_token == "123:SECRET"
    assert "SECRET" not in repr(secrets) and "xoxb" not in repr(secrets)
    assert set(secrets.values()) == {"123:SECRET", "xoxb-1"}


def test_webhook_url_from_the_environment_and_http_only_for_a_self_hosted_api() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, env={"NEWSWATCH_TELEGRAM_WEBHOOK_URL": "bot.example.org/tg"})
    assert str(caught.value).startswith("$NEWSWATCH_TELEGRAM_WEBHOOK_URL:1:1: telegram.webhook_url")
    local = {
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
        "NEWSWATCH_TELEGRAM_WEBHOOK_URL": "http://newswatch:8081/tg",
    }
    config = load_config(None, env=local)
    assert config.settings.telegram.webhook_url == "http://newswatch:8081/tg"


def test_webhook_secret_from_the_environment_or_made_per_process() -> None:
    webhook = load_config(
        None, env={"NEWSWATCH_TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg"}
    ).settings
    polling = load_config(None, env={}).settings
    token = {"TELEGRAM_BOT_TOKEN": "123:SECRET"}

    given = secrets_from_env({**token, "TELEGRAM_WEBHOOK_SECRET": "s3cret_-X-long-enough"})
    assert with_webhook_secret(given, webhook).telegram_webhook_secret == "s3cret_-X-long-enough"
    assert "s3cret_-X-long-enough" in given.values() and "s3cret" not in repr(given)

    made = [with_webhook_secret(secrets_from_env(token), webhook) for _ in range(2)]
    first, second = (m.telegram_webhook_secret for m in made)
    assert len(first) >= 32 and first != second
    assert re.fullmatch(r"[A-Za-z0-9_-]+", first)
    assert first in made[0].values()

    assert with_webhook_secret(secrets_from_env(token), polling).telegram_webhook_secret == ""
    assert (
        with_webhook_secret(secrets_from_env({}), webhook).telegram_webhook_secret == ""
    )  # no bot

    with pytest.raises(ConfigError, match=r"\$TELEGRAM_WEBHOOK_SECRET"):
        with_webhook_secret(
            secrets_from_env({**token, "TELEGRAM_WEBHOOK_SECRET": "no spaces"}), webhook
        )
    for bad in ("x" * 257, "x" * 15):
        with pytest.raises(ConfigError):
            with_webhook_secret(
                secrets_from_env({**token, "TELEGRAM_WEBHOOK_SECRET": bad}), webhook
            )


def test_every_setting_has_help_and_no_secret_is_a_setting() -> None:
    for setting in SETTINGS:
        assert setting.help.strip(), setting.name
        assert "token" not in setting.name and "secret" not in setting.name


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(60, 60), ("90", 90), ("15m", 900), ("2h", 7200), ("1d", 86400), ("soon", None), (True, None)],
)
def test_parse_duration(value: object, seconds: int | None) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("language", ["en", "ar", "fa", "ru"])
def test_every_bot_language_is_a_channel_choice(tmp_path: Path, language: str) -> None:
    text = (
        "channels:\n  - id: c\n    platform: console\n    destination: '-'\n"
        f"    language: {language}\n"
    )
    config = load_config(write(tmp_path, text), env={})
    assert config.channels[0].language == language
