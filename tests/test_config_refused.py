"""Bad configuration refused at load through the real CLI: exit status 2, the message names
the file:line:col (or the `$VARIABLE`), and no database file is created."""

# ruff: noqa: E501  (the tables read best one case a line)

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, config_from_text, load_config
from bot.config.values import OTHER_ENV
from bot.core.i18n import LANGUAGES
from bot.settings import SETTINGS

BOT = Path(__file__).parent.parent / "bot"
RULES = """\
entities:
  karvan: {name: Karvan Holdings, kind: org, aliases: [Karvan]}
topics:
  shipping: {name: Shipping, query: '@karvan'}
"""
FEED = "  - {id: wire, url: 'https://wire.example/feed.xml'}\n"


def newswatch(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Exit status and stderr of the installed `newswatch` command, run in `cwd`."""
    script = Path(sys.executable).with_name("newswatch")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    base = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    done = subprocess.run(
        [*command, *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stderr


def newswatch_here(
    *args: str, cwd: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    """The same CLI entry point in this process (cheaper: for the long tail of cases)."""
    for name in [k for k in os.environ if k.startswith("NEWSWATCH_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(cwd)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, err.getvalue()


def home(tmp_path: Path, text: str) -> Path:
    """A folder with newswatch.yaml (database nw.db beside it) and one rule file."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yaml").write_text(RULES, encoding="utf-8")
    config = tmp_path / "newswatch.yaml"
    config.write_text("database: nw.db\nrules: [rules/*.yaml]\n" + text, encoding="utf-8")
    return config


def databases(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".db", ".db-wal", ".db-shm"))


HTML = "sources:\n  - id: a\n    kind: html\n    url: https://a.example/\n"
SUBSCRIBING = f"sources:\n{FEED}channels:\n  - id: c\n    subscriptions: "

# The examples, each through the installed command in its own process:
# (command, file text after database/rules, line, what the message says)
BAD_FILE = [
    ("fetch", "fetch:\n  concurrency: 0\n", 4, "fetch.concurrency: expected a whole number at least 1"),
    ("run", "log:\n  level: verbose\n", 4, "log.level: expected one of DEBUG, INFO, WARNING, ERROR"),
    ("run", "health:\n  port: 99999\n", 4, "health.port: expected a whole number from 0 to 65535"),
    ("fetch", "fetch:\n  connect_timeout: -5\n", 4, "fetch.connect_timeout: expected a number above 0"),
    ("fetch", "stories:\n  similarity: 7\n", 4, "stories.similarity: expected a number above 0 and at most 2"),
    ("fetch", "stories:\n  window_hours: -1\n", 4, "stories.window_hours: expected a number above 0"),
    ("run", "log:\n  format: xml\n", 4, "log.format: expected one of json, text, auto, got 'xml'"),
    ("run", "telegram:\n  admins: [alice]\n", 4, "telegram.admins: expected numeric user ids, got 'alice'"),
    ("run", "channels:\n  - {id: c, langauge: ar}\n", 4, 'channels[0].langauge: unknown key (did you mean "language"?)'),
    ("fetch", SUBSCRIBING + "[shiping]\n", 7, "channels[0].subscriptions[0]: no topic 'shiping' in the rules (did you mean \"shipping\"?)"),
]  # fmt: skip

# More cases, through the same entry point in this process.
MORE_FILE = [
    ("fetch", "fetch:\n  allow_private: sometimes\n", 4, "fetch.allow_private: expected true or false"),
    ("fetch", "fetch:\n  concurency: 3\n", 4, 'fetch.concurency: unknown setting (did you mean "fetch.concurrency"?)'),
    ("fetch", "fetch: 3\n", 3, "fetch: expected a mapping of fetch settings"),
    ("fetch", "sources:\n  - https://a.example/feed\n", 4, "sources[0]: expected a mapping with an id"),
    ("fetch", "channels: {id: c}\n", 3, "channels: expected a list"),
    ("fetch", "channels:\n  - {id: c}\n  - {id: c}\n", 5, "channels[1].id: duplicate channel id 'c'"),
    ("fetch", "timezone: Mars/Olympus\n", 3, "timezone: unknown timezone 'Mars/Olympus'"),
    ("fetch", "telegram:\n  api_base_url: api.example/bot\n", 4, "telegram.api_base_url: expected an http(s) URL"),
    ("fetch", "sources:\n  - {id: a, url: 'https://a.example/', kind: atom}\n", 4, "sources[0].kind: must be feed or html or telegram or sitemap or jsonfeed, got 'atom'"),
    ("fetch", HTML + "    selector: 'ul > > a'\n", 7, "sources[0].selector: not a CSS selector"),
    ("fetch", HTML + "    full_text: true\n", 7, "sources[0].full_text: only for kind feed"),
    ("fetch", "sources:\n  - {id: a, url: 'https://a.example/', intervall: 15m}\n", 4, 'sources[0].intervall: unknown key (did you mean "interval"?)'),
    ("fetch", "channels:\n  - {id: c, language: xx}\n", 4, f"channels[0].language: must be {', '.join(LANGUAGES[:-1])} or {LANGUAGES[-1]}, got 'xx'"),
    ("fetch", "channels:\n  - {id: c, platform: telegarm, destination: 1}\n", 4, 'channels[0].platform: must be telegram, slack or console, got \'telegarm\' (did you mean "telegram"?)'),
    ("run", SUBSCRIBING + "[shipping, '@karvn']\n", 7, "channels[0].subscriptions[1]: no entity '@karvn' in the rules (did you mean \"@karvan\"?)"),
    ("digest", SUBSCRIBING + "[cargo]\n", 7, "channels[0].subscriptions[0]: no topic 'cargo' in the rules"),
]  # fmt: skip


def assert_refused(status: int, stderr: str, config: Path, line: int, needle: str) -> None:
    assert status == 2, stderr
    assert re.search(rf"{re.escape(str(config))}:{line}:\d+: ", stderr), stderr
    assert needle in stderr, stderr
    assert "Traceback" not in stderr
    assert databases(config.parent) == []


@pytest.mark.parametrize(("command", "text", "line", "needle"), BAD_FILE)
def test_bad_value_in_the_file_is_refused_before_any_database(
    tmp_path: Path, command: str, text: str, line: int, needle: str
) -> None:
    config = home(tmp_path, text)
    status, stderr = newswatch(command, "--config", str(config), cwd=tmp_path)
    assert_refused(status, stderr, config, line, needle)


@pytest.mark.parametrize(("command", "text", "line", "needle"), MORE_FILE)
def test_more_bad_values_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, text: str, line: int, needle: str
) -> None:
    config = home(tmp_path, text)
    args = [command, "--config", str(config), *(["c"] if command == "digest" else [])]
    status, stderr = newswatch_here(*args, cwd=tmp_path, env={}, monkeypatch=monkeypatch)
    assert_refused(status, stderr, config, line, needle)


# (variable, value, what the message says); the first three in their own process
BAD_ENV = [
    ("NEWSWATCH_FETCH_CONCURRENCY", "0", "fetch.concurrency: expected a whole number at least 1"),
    ("NEWSWATCH_LOG_LEVEL", "verbose", "log.level: expected one of DEBUG"),
    ("NEWSWATCH_FETCH_CONCURENCY", "3", 'unknown setting variable (did you mean "NEWSWATCH_FETCH_CONCURRENCY"?)'),
    ("NEWSWATCH_HEALTH_PORT", "99999", "health.port: expected a whole number from 0 to 65535"),
    ("NEWSWATCH_FETCH_CONNECT_TIMEOUT", "soon", "fetch.connect_timeout: expected a number, got 'soon'"),
    ("NEWSWATCH_FETCH_ALLOW_PRIVATE", "maybe", "fetch.allow_private: expected true or false"),
    ("NEWSWATCH_TELEGRAM_ADMINS", "1234,alice", "telegram.admins: expected numeric user ids, got 'alice'"),
    ("NEWSWATCH_STORIES_SIMILARITY", "nan", "stories.similarity: expected a finite number"),
    ("NEWSWATCH_TIMEZONE", "Mars/Olympus", "timezone: unknown timezone 'Mars/Olympus'"),
    ("TELEGRAM_API_BASE_URL", "api.example/bot", "telegram.api_base_url: expected an http(s) URL"),
]  # fmt: skip


@pytest.mark.parametrize(("var", "value", "needle"), BAD_ENV)
def test_bad_value_in_the_environment_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, var: str, value: str, needle: str
) -> None:
    config = home(tmp_path, "")
    args = ("run", "--config", str(config))
    if BAD_ENV.index((var, value, needle)) < 3:
        status, stderr = newswatch(*args, cwd=tmp_path, env={var: value})
    else:
        status, stderr = newswatch_here(
            *args, cwd=tmp_path, env={var: value}, monkeypatch=monkeypatch
        )
    assert status == 2, stderr
    assert f"${var}:" in stderr and needle in stderr, stderr
    assert databases(tmp_path) == []


def test_every_problem_is_reported_at_once_and_health_port_zero_is_allowed(
    tmp_path: Path,
) -> None:
    text = "fetch: {concurrency: 0, per_host: 0}\nlog: {format: xml}\nhealth: {port: 0}\n"
    with pytest.raises(ConfigError) as caught:
        load_config(home(tmp_path, text), env={"NEWSWATCH_LOG_LEVEL": "loud"})
    assert [p.message.split(":")[0] for p in caught.value.problems] == [
        "fetch.concurrency",
        "fetch.per_host",
        "log.format",
        "log.level",
    ]
    config = config_from_text("health: {port: 0}\n", "t.yaml", tmp_path, env={})
    assert config.settings.health.port == 0


def test_environment_values_are_typed_and_lists_comma_separated(tmp_path: Path) -> None:
    env = {
        "NEWSWATCH_TELEGRAM_ADMINS": "1234, 5678",
        "NEWSWATCH_FETCH_ALLOW_PRIVATE": "yes",
        "NEWSWATCH_STORIES_WINDOW_HOURS": "12",
        "NEWSWATCH_LOG_LEVEL": "debug",
    }
    settings = load_config(None, env=env).settings
    assert settings.telegram.admins == ("1234", "5678")
    assert settings.fetch.allow_private is True
    assert settings.stories.window_hours == 12.0
    assert settings.log.level == "DEBUG"  # choices are matched without case, kept canonical


def test_every_default_passes_its_own_check_and_says_what_it_accepts() -> None:
    for setting in SETTINGS:
        given = list(setting.default) if isinstance(setting.default, tuple) else setting.default
        assert setting.check(given) == setting.default, setting.name
        assert setting.type_name, setting.name
        if setting.type in (int, float):
            assert setting.accepts(), f"{setting.name} has no range"


def test_every_newswatch_variable_named_in_bot_is_known() -> None:
    """The loader refuses unknown NEWSWATCH_ variables, so every one the code reads is known."""
    known = {var for s in SETTINGS for var in s.env_names} | OTHER_ENV
    named = set()
    for path in BOT.rglob("*.py"):
        named |= set(re.findall(r"\bNEWSWATCH_[A-Z][A-Z0-9_]*[A-Z0-9]\b", path.read_text()))
    assert named, "the scan found nothing"
    assert named <= known, named - known


@pytest.mark.parametrize("command", ["fetch", "run"])
def test_a_refused_configuration_imports_none_of_the_heavy_parts(
    tmp_path: Path, command: str
) -> None:
    """Refusing is quick because only the configuration is read before the store, the fetcher
    and the chat libraries are imported (what makes `fetch` and `run` start slowly)."""
    config = home(tmp_path, "fetch:\n  concurrency: 0\n")
    heavy = ("bot.app.assembly", "bot.store", "bot.sources.http", "telegram", "aiohttp")
    code = (
        "import sys\nfrom bot.cli import main\nstatus = main(sys.argv[1:])\n"
        f"print(status, [m for m in {heavy!r} if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, command, "--config", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["2", "[]"], done.stdout + done.stderr
    assert "fetch.concurrency" in done.stderr
