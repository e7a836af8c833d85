"""The settings table and the one loader of configuration (YAML file + environment).

Configuration is read once, at the edge, and passed inward as plain values. Every setting
has a default and help text here; the README's settings section is checked against this
table by a test. Secrets never live in the file: only in environment variables.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.cron import crontab_for_apscheduler
from bot.core.yamlpos import Document, Problem, YamlFileError, load_document
from bot.models import Channel, Source, Subscription

CONFIG_ENV = "NEWSWATCH_CONFIG"
DEFAULT_CONFIG = "newswatch.yaml"


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    env: str = ""  # an extra environment variable that overrides the file

    @property
    def env_name(self) -> str:
        return "NEWSWATCH_" + re.sub(r"[^A-Z0-9]", "_", self.name.upper())


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database",
        "newswatch.db",
        "SQLite file, relative to the configuration file, or a PostgreSQL URL "
        "postgresql://user@host:port/db (password from NEWSWATCH_DATABASE_PASSWORD).",
    ),
    Setting("rules", ["rules/*.yaml"], "Globs of rule files, relative to the configuration file."),
    Setting("timezone", "UTC", "Default timezone for channels that name none."),
    Setting("fetch.concurrency", 32, "Requests in flight at once, over all hosts."),
    Setting("fetch.per_host", 4, "Requests in flight at once to one host."),
    Setting("fetch.connect_timeout", 10.0, "Seconds to establish a connection."),
    Setting("fetch.read_timeout", 20.0, "Seconds to wait between bytes of a response."),
    Setting("fetch.total_timeout", 60.0, "Seconds for a whole request, body included."),
    Setting("fetch.max_bytes", 5_000_000, "Largest response body kept (compressed or not)."),
    Setting("fetch.max_redirects", 5, "Redirects followed before a fetch fails."),
    Setting("fetch.user_agent", "newswatch/0.1", "User-Agent sent with every request."),
    Setting("fetch.contact", "", "Contact (URL or e-mail) appended to the User-Agent."),
    Setting("fetch.allow_private", False, "Allow sources on private/loopback addresses."),
    Setting("fetch.interval", 900, "Default seconds between checks of a source."),
    Setting("fetch.max_backoff", 21600, "Longest wait, in seconds, after repeated failures."),
    Setting("fetch.failing_after", 5, "Consecutive errors after which a source shows failing."),
    Setting(
        "fetch.parse_workers",
        0,
        "Processes that parse feeds and pages and prepare their items (0: threads, one core).",
    ),
    Setting("stories.window_hours", 72.0, "Hours a story stays open to new articles."),
    Setting("stories.near_duplicate", 0.5, "Shingle Jaccard at which two texts are one copy."),
    Setting(
        "stories.similarity",
        0.3,
        "Content cosine plus entity_weight × entity overlap at which two articles in one "
        "language share a story.",
    ),
    Setting(
        "stories.entity_overlap",
        0.5,
        "IDF-weighted shared-entity ratio (places count half) that joins across languages.",
    ),
    Setting("stories.entity_weight", 0.5, "Weight of the entity overlap in the similarity."),
    Setting("stories.top_terms", 32, "Content terms kept per article in the story index."),
    Setting("stories.query_terms", 12, "Best terms of a new article used to find candidates."),
    Setting("stories.postings_cap", 200, "Newest articles read per term or entity lookup."),
    Setting("stories.candidates", 30, "Candidates scored per new article."),
    Setting(
        "telegram.api_base_url",
        "https://api.telegram.org/bot",
        "Telegram Bot API base (for a self-hosted Bot API server).",
        env="TELEGRAM_API_BASE_URL",
    ),
    Setting(
        "slack.api_base_url",
        "https://slack.com/api/",
        "Slack Web API base URL.",
        env="SLACK_API_BASE_URL",
    ),
    Setting("telegram.admins", [], "Telegram user ids allowed to change any chat's settings."),
    Setting("slack.admins", [], "Slack user ids allowed to change any channel's settings."),
    Setting("health.host", "0.0.0.0", "Address of the health and metrics server."),
    Setting("health.port", 8080, "Port of the health and metrics server (0 disables it)."),
    Setting("log.level", "INFO", "Log level: DEBUG, INFO, WARNING or ERROR."),
    Setting("log.format", "auto", "Log format: json, text, or auto (json off a terminal)."),
    Setting("fetch.tick", 60.0, "Seconds between the daemon's looks for sources due a check."),
    Setting("delivery.flush_interval", 60.0, "Seconds between the daemon's outbox flushes."),
    Setting(
        "reload.poll_interval",
        2.0,
        "Seconds between checks of the configuration and rule files for changes (0: SIGHUP only).",
    ),
    Setting(
        "health.max_cycle_age",
        900.0,
        "Seconds since the last completed fetch cycle after which /readyz reports not ready.",
    ),
    Setting("slack.host", "0.0.0.0", "Address of the Slack HTTP endpoint (no SLACK_APP_TOKEN)."),
    Setting("slack.port", 3000, "Port of the Slack HTTP endpoint, served at /slack/events."),
    Setting(
        "telegram.webhook_url",
        "",
        "Public HTTPS URL Telegram posts updates to (empty: long polling).",
    ),
    Setting("telegram.webhook_host", "0.0.0.0", "Address of the Telegram webhook endpoint."),
    Setting("telegram.webhook_port", 8081, "Port of the Telegram webhook endpoint (plain HTTP)."),
    Setting("telegram.webhook_path", "/telegram/webhook", "Path of the Telegram webhook endpoint."),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}

SECRET_ENV = (
    "TELEGRAM_BOT_TOKEN",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "TELEGRAM_WEBHOOK_SECRET",
)
# A webhook secret: Telegram's alphabet and upper limit, and at least 16 characters, so it is
# not guessable (and long enough for the log redaction to apply).
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{16,256}")


class ConfigError(Exception):
    """The configuration cannot be used; every problem names file, line and key."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Secrets:
    """Tokens from the environment. repr() never shows them."""

    telegram_bot_token: str = field(default="", repr=False)
    slack_bot_token: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    telegram_webhook_secret: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Secrets:
        env = os.environ if env is None else env
        return cls(*(env.get(name, "").strip() for name in SECRET_ENV))

    def for_webhook(self, settings: Settings) -> Secrets:
        """These secrets, with a webhook secret if `telegram.webhook_url` needs one.

        Without TELEGRAM_WEBHOOK_SECRET each process makes a random one: the daemon registers
        it with setWebhook at every start, so nobody else has to know it. Call this before
        logging is set up, so that the made-up secret is redacted like the others.
        """
        if not (self.telegram_bot_token and settings.get_str("telegram.webhook_url")):
            return self
        given = self.telegram_webhook_secret
        if not given:
            return replace(self, telegram_webhook_secret=secrets.token_urlsafe(32))
        if not WEBHOOK_SECRET_RE.fullmatch(given):
            raise ConfigError(
                [
                    Problem(
                        "$TELEGRAM_WEBHOOK_SECRET",
                        1,
                        1,
                        "expected 16-256 characters of A-Z, a-z, 0-9, _ and -",
                    )
                ]
            )
        return self

    def values(self) -> tuple[str, ...]:
        return tuple(v for v in vars(self).values() if v)


@dataclass(frozen=True)
class Settings:
    """Resolved setting values with typed accessors."""

    values: Mapping[str, object]

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    def get_int(self, name: str) -> int:
        value = self.values[name]
        assert isinstance(value, int) and not isinstance(value, bool), name
        return value

    def get_float(self, name: str) -> float:
        value = self.values[name]
        assert isinstance(value, int | float) and not isinstance(value, bool), name
        return float(value)

    def get_str(self, name: str) -> str:
        return str(self.values[name])

    def get_bool(self, name: str) -> bool:
        return bool(self.values[name])

    def get_list(self, name: str) -> list[str]:
        value = self.values[name]
        assert isinstance(value, list), name
        return [str(v) for v in value]


@dataclass(frozen=True)
class Config:
    file: str  # where it came from ("<defaults>" when no file)
    base_dir: Path  # relative paths resolve against this
    settings: Settings
    sources: tuple[Source, ...] = ()
    channels: tuple[Channel, ...] = ()

    @property
    def database(self) -> Path | str:
        """The SQLite file (relative to the configuration file) or a PostgreSQL URL."""
        value = self.settings.get_str("database")
        return value if value.startswith(("postgresql://", "postgres://")) else self.resolve(value)

    def resolve(self, path: str) -> Path:
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    def rule_paths(self) -> list[Path]:
        """Rule files matched by the `rules` globs, sorted, without repeats."""
        found: dict[Path, None] = {}
        for pattern in self.settings.get_list("rules"):
            p = Path(pattern).expanduser()
            if p.is_absolute():
                matches = sorted(Path(p.anchor).glob(str(p.relative_to(p.anchor))))
            else:
                matches = sorted(self.base_dir.glob(pattern))
            for m in matches:
                if m.is_file():
                    found[m] = None
        return list(found)


def parse_duration(value: object) -> int | None:
    """Seconds from 900, "900", "15m", "2h", "1d"; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", value)
        if m:
            return int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    return None


def find_config_file(explicit: str | None, env: Mapping[str, str] | None = None) -> Path | None:
    """--config, else $NEWSWATCH_CONFIG, else ./newswatch.yaml if it exists."""
    env = os.environ if env is None else env
    if explicit:
        return Path(explicit)
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    default = Path(DEFAULT_CONFIG)
    return default if default.exists() else None


def load_config(path: Path | None, env: Mapping[str, str] | None = None) -> Config:
    """Read the file (or defaults when `path` is None) and the environment overrides."""
    env = os.environ if env is None else env
    if path is None:
        return _build(Document("<defaults>", {}), Path.cwd(), env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([Problem(str(path), 1, 1, "configuration file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(str(path), 1, 1, f"cannot read: {exc}")]) from None
    try:
        doc = load_document(text, str(path))
    except YamlFileError as exc:
        raise ConfigError(exc.problems) from None
    if doc.value is None:
        doc.value = {}
    return _build(doc, path.resolve().parent, env)


def config_from_text(text: str, file: str, base_dir: Path, env: Mapping[str, str]) -> Config:
    """Same as load_config for text already in hand (the demo's bundled file, tests)."""
    try:
        doc = load_document(text, file)
    except YamlFileError as exc:
        raise ConfigError(exc.problems) from None
    if doc.value is None:
        doc.value = {}
    return _build(doc, base_dir, env)


TOP_LEVEL = {"sources", "channels"}


def _build(doc: Document, base_dir: Path, env: Mapping[str, str]) -> Config:
    problems: list[Problem] = []
    if not isinstance(doc.value, dict):
        raise ConfigError([doc.problem((), "the top level must be a mapping of keys")])
    values: dict[str, object] = {s.name: s.default for s in SETTINGS}
    _read_settings(doc, doc.value, (), values, problems)
    _apply_env(values, env, doc.file, problems)
    _check_webhook(doc, values, env, problems)
    sources = _read_sources(doc, problems)
    channels = _read_channels(doc, values, problems)
    if problems:
        raise ConfigError(problems)
    return Config(doc.file, base_dir, Settings(values), tuple(sources), tuple(channels))


def _read_settings(
    doc: Document,
    mapping: dict[str, Any],
    prefix: tuple[str, ...],
    values: dict[str, object],
    problems: list[Problem],
) -> None:
    for key, value in mapping.items():
        path = (*prefix, key)
        if not prefix and key in TOP_LEVEL:
            continue
        name = ".".join(path)
        setting = SETTINGS_BY_NAME.get(name)
        if setting is None:
            if isinstance(value, dict) and any(s.startswith(name + ".") for s in SETTINGS_BY_NAME):
                _read_settings(doc, value, path, values, problems)
                continue
            problems.append(doc.problem(path, f"{name}: unknown setting"))
            continue
        checked = _check_type(setting, value)
        if isinstance(checked, str) and not isinstance(setting.default, str):
            problems.append(doc.problem(path, f"{name}: {checked}"))
        elif isinstance(setting.default, str) and not isinstance(value, str):
            problems.append(doc.problem(path, f"{name}: expected text, got {value!r}"))
        else:
            values[name] = value if isinstance(setting.default, str) else checked


def _check_type(setting: Setting, value: object) -> object:
    """The value converted to the default's type, or an error message (a str)."""
    default = setting.default
    if isinstance(default, bool):
        return value if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return f"expected a whole number, got {value!r}"
    if isinstance(default, float):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return f"expected a number, got {value!r}"
    if isinstance(default, list):
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
            return [str(v) for v in value]
        return f"expected a list of text, got {value!r}"
    return value


def _apply_env(
    values: dict[str, object], env: Mapping[str, str], file: str, problems: list[Problem]
) -> None:
    for setting in SETTINGS:
        for var in (setting.env_name, setting.env):
            if not var or var not in env:
                continue
            raw = env[var]
            value: object = raw
            if isinstance(setting.default, bool):
                value = raw.strip().lower() in ("1", "true", "yes", "on")
            elif isinstance(setting.default, int | float):
                try:
                    value = type(setting.default)(raw)
                except ValueError:
                    problems.append(Problem(f"${var}", 1, 1, f"{setting.name}: not a number"))
                    continue
            elif isinstance(setting.default, list):
                value = [v.strip() for v in raw.split(",") if v.strip()]
            values[setting.name] = value


def _check_webhook(
    doc: Document, values: dict[str, object], env: Mapping[str, str], problems: list[Problem]
) -> None:
    """The webhook's URL and path, which Telegram or the route would refuse only later."""

    def bad(name: str, message: str) -> None:
        var = SETTINGS_BY_NAME[name].env_name
        if var in env:
            problems.append(Problem(f"${var}", 1, 1, f"{name}: {message}"))
        else:
            problems.append(doc.problem(tuple(name.split(".")), f"{name}: {message}"))

    url = str(values["telegram.webhook_url"])
    if url:
        parts = urlsplit(url)
        # the public Bot API takes HTTPS only; a self-hosted Bot API server also takes HTTP
        api = "telegram.api_base_url"
        public = values[api] == SETTINGS_BY_NAME[api].default
        schemes = ("https",) if public else ("https", "http")
        if parts.scheme not in schemes or not parts.hostname:
            bad("telegram.webhook_url", f"expected an {' or '.join(schemes)} URL, got {url!r}")
    if not str(values["telegram.webhook_path"]).startswith("/"):
        bad("telegram.webhook_path", "must start with /")
    port = values["telegram.webhook_port"]
    if not isinstance(port, int) or not 0 < port < 65536:
        bad("telegram.webhook_port", f"expected a port number 1-65535, got {port!r}")


SOURCE_KEYS = {"id", "url", "kind", "name", "interval", "full_text", "lang", "enabled", "selector"}
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _read_sources(doc: Document, problems: list[Problem]) -> list[Source]:
    raw = doc.value.get("sources") or []
    if not isinstance(raw, list):
        problems.append(doc.problem(("sources",), "sources: expected a list"))
        return []
    sources: list[Source] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path: tuple[str | int, ...] = ("sources", i)
        where = f"sources[{i}]"
        if not isinstance(item, dict):
            problems.append(doc.problem(path, f"{where}: expected a mapping with id and url"))
            continue
        before = len(problems)
        for key in item:
            if key not in SOURCE_KEYS:
                problems.append(doc.problem((*path, key), f"{where}.{key}: unknown key"))
        sid = str(item.get("id", ""))
        if not ID_RE.match(sid):
            problems.append(doc.problem((*path, "id"), f"{where}.id: required, letters/digits/_.-"))
        elif sid in seen:
            problems.append(doc.problem((*path, "id"), f"{where}.id: duplicate source id {sid!r}"))
        seen.add(sid)
        url = item.get("url")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            problems.append(doc.problem((*path, "url"), f"{where}.url: required http(s) URL"))
        kind = item.get("kind", "feed")
        if kind not in ("feed", "html"):
            problems.append(doc.problem((*path, "kind"), f"{where}.kind: must be feed or html"))
        interval = parse_duration(item.get("interval", 900))
        if interval is None or interval < 60:
            problems.append(
                doc.problem((*path, "interval"), f"{where}.interval: a duration of at least 60s")
            )
        for key in ("full_text", "enabled"):
            if key in item and not isinstance(item[key], bool):
                problems.append(doc.problem((*path, key), f"{where}.{key}: true or false"))
        for key in ("name", "lang", "selector"):
            if key in item and not isinstance(item[key], str):
                problems.append(doc.problem((*path, key), f"{where}.{key}: expected text"))
        if len(problems) == before:
            sources.append(
                Source(
                    id=sid,
                    url=str(url),
                    kind=kind,
                    name=str(item.get("name", "")),
                    interval=interval or 900,
                    full_text=bool(item.get("full_text", False)),
                    lang=item.get("lang"),
                    enabled=bool(item.get("enabled", True)),
                    selector=item.get("selector"),
                )
            )
    return sources


CHANNEL_KEYS = {
    "id",
    "platform",
    "destination",
    "subscriptions",
    "mode",
    "schedule",
    "timezone",
    "max_stories",
    "language",
    "show_updates",
}
MODES = ("instant", "digest", "both")


def _read_channels(
    doc: Document, values: dict[str, object], problems: list[Problem]
) -> list[Channel]:
    raw = doc.value.get("channels") or []
    if not isinstance(raw, list):
        problems.append(doc.problem(("channels",), "channels: expected a list"))
        return []
    channels: list[Channel] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path: tuple[str | int, ...] = ("channels", i)
        where = f"channels[{i}]"
        if not isinstance(item, dict):
            problems.append(doc.problem(path, f"{where}: expected a mapping"))
            continue
        before = len(problems)

        def bad(key: str, message: str, _path: tuple[str | int, ...] = path) -> None:
            problems.append(doc.problem((*_path, key), f"{where}.{key}: {message}"))  # noqa: B023

        for key in item:
            if key not in CHANNEL_KEYS:
                bad(key, "unknown key")
        cid = str(item.get("id", ""))
        if not ID_RE.match(cid):
            bad("id", "required, letters/digits/_.-")
        elif cid in seen:
            bad("id", f"duplicate channel id {cid!r}")
        seen.add(cid)
        platform = item.get("platform", "console")
        if platform not in ("telegram", "slack", "console"):
            bad("platform", "must be telegram, slack or console")
        destination = item.get("destination", "-" if platform == "console" else None)
        if destination is None or isinstance(destination, bool | dict | list):
            bad("destination", "required: a Telegram chat id or a Slack channel id")
        mode = item.get("mode", "digest")
        if mode not in MODES:
            bad("mode", "must be instant, digest or both")
        schedule = item.get("schedule", "0 8,20 * * *")
        if not isinstance(schedule, str) or not _valid_cron(schedule):
            bad("schedule", f"not a 5-field cron expression: {schedule!r}")
        timezone = item.get("timezone", values["timezone"])
        if not isinstance(timezone, str) or not _valid_timezone(timezone):
            bad("timezone", f"unknown timezone {timezone!r}")
        max_stories = item.get("max_stories", 20)
        if not isinstance(max_stories, int) or isinstance(max_stories, bool) or max_stories < 1:
            bad("max_stories", "a whole number of at least 1")
        language = item.get("language", "en")
        if language not in ("en", "ar"):
            bad("language", "must be en or ar")
        show_updates = item.get("show_updates", True)
        if not isinstance(show_updates, bool):
            bad("show_updates", "true or false")
        subs = _read_subscriptions(doc, item.get("subscriptions") or [], path, where, cid, problems)
        if len(problems) == before:
            channels.append(
                Channel(
                    id=cid,
                    platform=platform,
                    destination=str(destination),
                    subscriptions=tuple(subs),
                    mode=mode,
                    schedule=str(schedule),
                    timezone=str(timezone),
                    max_stories=int(max_stories),
                    language=language,
                    show_updates=show_updates,
                )
            )
    return channels


def _read_subscriptions(
    doc: Document,
    raw: object,
    path: tuple[str | int, ...],
    where: str,
    channel_id: str,
    problems: list[Problem],
) -> list[Subscription]:
    spath = (*path, "subscriptions")
    if not isinstance(raw, list):
        problems.append(doc.problem(spath, f"{where}.subscriptions: expected a list"))
        return []
    subs: list[Subscription] = []
    for j, sub in enumerate(raw):
        target: object = sub
        mode: object = "digest"
        if isinstance(sub, dict):
            target, mode = sub.get("target"), sub.get("mode", "digest")
        if not isinstance(target, str) or not re.fullmatch(r"@?[a-z0-9][a-z0-9_-]*", target):
            problems.append(
                doc.problem(
                    (*spath, j),
                    f"{where}.subscriptions[{j}]: a topic id or @entity-id, got {target!r}",
                )
            )
            continue
        if mode not in MODES:
            problems.append(
                doc.problem((*spath, j), f"{where}.subscriptions[{j}].mode: instant/digest/both")
            )
            continue
        subs.append(Subscription(channel_id, target, mode))  # type: ignore[arg-type]
    return subs


def _valid_cron(expr: str) -> bool:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(crontab_for_apscheduler(expr), timezone="UTC")
    except ValueError:  # CronError is a ValueError too
        return False
    return True


def _valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def settings_markdown() -> str:
    """The README's settings table, generated from SETTINGS (a test keeps them equal)."""
    lines = ["| setting | default | environment | what it is |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        default = repr(s.default) if not isinstance(s.default, str) else f'"{s.default}"'
        env = f"`{s.env_name}`" + (f", `{s.env}`" if s.env else "")
        lines.append(f"| `{s.name}` | `{default}` | {env} | {s.help} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(settings_markdown())
