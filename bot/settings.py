"""The settings table and the typed, frozen settings object built from it (pure values, no I/O).

Each setting is a field of a section dataclass, declared with `setting()`: its default, help
text, range or choices sit next to the attribute callers read (`settings.fetch.concurrency`),
so the table and the code cannot drift apart. `SETTINGS`, the table, is read off those fields;
the loader (`bot.config`) checks every value from the file or the environment against it, and
the README's settings table is generated from it. Secrets are not settings: they come from the
environment only and live in `Secrets`, whose repr never shows them.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar, cast, get_type_hints

T = TypeVar("T")
_SPEC = "newswatch.setting"

# Telegram user ids are whole numbers; Slack user ids are capitals and digits (U012AB3CD).
TELEGRAM_USER_ID = r"\d+"
SLACK_USER_ID = r"[A-Z0-9]+"
URL = r"https?://\S+"


@dataclass(frozen=True)
class Spec:
    """What a setting accepts beyond its type; the field's metadata."""

    help: str
    min: float | None = None  # inclusive lower bound
    above: float | None = None  # exclusive lower bound
    max: float | None = None  # inclusive upper bound
    choices: tuple[str, ...] = ()
    ignore_case: bool = False  # choices compared without case; the choice's spelling kept
    pattern: str = ""  # a text (or each list item) must match this whole
    pattern_help: str = ""  # the pattern in words, for messages and the README
    env: str = ""  # an extra environment variable that overrides the file


def setting(
    default: T,
    help: str,
    *,
    min: float | None = None,
    above: float | None = None,
    max: float | None = None,
    choices: tuple[str, ...] = (),
    ignore_case: bool = False,
    pattern: str = "",
    pattern_help: str = "",
    env: str = "",
) -> T:
    """A section field that is a setting (its default, help and accepted values)."""
    spec = Spec(help, min, above, max, choices, ignore_case, pattern, pattern_help, env)
    return field(default=default, metadata={_SPEC: spec})


class SettingValueError(ValueError):
    """A value a setting does not accept; the message says what it expects."""


TYPE_NAMES = {int: "integer", float: "number", str: "text", bool: "boolean", tuple: "list"}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Setting:
    """One row of the settings table."""

    name: str  # dotted: section.key, or key for the top level
    type: type  # int, float, str, bool, or tuple (a list of text)
    default: object
    spec: Spec

    @property
    def help(self) -> str:
        return self.spec.help

    @property
    def env(self) -> str:
        """The extra environment variable, if any (it wins over the NEWSWATCH_ one)."""
        return self.spec.env

    @property
    def env_name(self) -> str:
        return "NEWSWATCH_" + re.sub(r"[^A-Z0-9]", "_", self.name.upper())

    @property
    def env_names(self) -> tuple[str, ...]:
        return (self.env_name, self.env) if self.env else (self.env_name,)

    @property
    def type_name(self) -> str:
        return TYPE_NAMES[self.type]

    def accepts(self) -> str:
        """The accepted values in words ("1–65535", "> 0", "json, text, auto"), or ""."""
        s = self.spec
        if s.choices:
            return ", ".join(s.choices)
        if s.pattern_help:
            return s.pattern_help
        low = None if s.min is None else _num(s.min)
        high = None if s.max is None else _num(s.max)
        if low is not None and high is not None:
            return f"{low}–{high}"
        if s.above is not None:
            return f"> {_num(s.above)}" + (f", ≤ {high}" if high is not None else "")
        if low is not None:
            return f"≥ {low}"
        return f"≤ {high}" if high is not None else ""

    def check(self, value: object) -> object:
        """`value` (from YAML) as this setting's type, or SettingValueError saying why not."""
        if self.type is bool:
            if not isinstance(value, bool):
                raise SettingValueError(f"expected true or false, got {value!r}")
            return value
        if self.type is int:
            if not isinstance(value, int) or isinstance(value, bool):
                raise SettingValueError(f"expected a whole number, got {value!r}")
            return self._in_range(value)
        if self.type is float:
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise SettingValueError(f"expected a number, got {value!r}")
            if not math.isfinite(value):
                raise SettingValueError(f"expected a finite number, got {value!r}")
            return self._in_range(float(value))
        if self.type is tuple:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(
                isinstance(v, str | int) and not isinstance(v, bool) for v in items
            ):
                raise SettingValueError(f"expected a list of text, got {value!r}")
            return tuple(self._text(str(v)) for v in items)
        if not isinstance(value, str):
            raise SettingValueError(f"expected text, got {value!r}")
        return self._text(value)

    def parse_env(self, raw: str) -> object:
        """An environment variable's text as this setting's value (lists: comma-separated)."""
        text = raw.strip()
        if self.type is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise SettingValueError(f"expected true or false (1/0, yes/no, on/off), got {raw!r}")
        if self.type is int:
            try:
                number: object = int(text)
            except ValueError:
                raise SettingValueError(f"expected a whole number, got {raw!r}") from None
            return self.check(number)
        if self.type is float:
            try:
                number = float(text)
            except ValueError:
                raise SettingValueError(f"expected a number, got {raw!r}") from None
            return self.check(number)
        if self.type is tuple:
            return self.check([v.strip() for v in raw.split(",") if v.strip()])
        return self.check(raw)

    def _in_range(self, value: float) -> float:
        s = self.spec
        low = (s.min is None or value >= s.min) and (s.above is None or value > s.above)
        if not low or (s.max is not None and value > s.max):
            what = "a whole number" if self.type is int else "a number"
            raise SettingValueError(f"expected {what} {_range_words(s)}, got {value!r}")
        return value

    def _text(self, value: str) -> str:
        s = self.spec
        if s.choices:
            for choice in s.choices:
                if value == choice or (s.ignore_case and value.lower() == choice.lower()):
                    return choice
            raise SettingValueError(
                f"expected one of {', '.join(s.choices)}, got {value!r}"
                + did_you_mean(value, s.choices)
            )
        if s.pattern and not re.fullmatch(s.pattern, value):
            raise SettingValueError(f"expected {s.pattern_help or s.pattern}, got {value!r}")
        return value


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _range_words(s: Spec) -> str:
    parts = []
    if s.min is not None:
        parts.append(f"at least {_num(s.min)}")
    if s.above is not None:
        parts.append(f"above {_num(s.above)}")
    if s.max is not None:
        parts.append(f"at most {_num(s.max)}")
    if s.min is not None and s.max is not None and s.above is None:
        return f"from {_num(s.min)} to {_num(s.max)}"
    return " and ".join(parts)


def did_you_mean(word: str, options: Iterable[object]) -> str:
    """' (did you mean "x"?)' when one of `options` is close to `word`, else ""."""
    names = [str(o) for o in options]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""


# ---- the sections -------------------------------------------------------------------------

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("json", "text", "auto")


@dataclass(frozen=True)
class FetchSection:
    concurrency: int = setting(32, "Requests in flight at once, over all hosts.", min=1)
    per_host: int = setting(4, "Requests in flight at once to one host.", min=1)
    connect_timeout: float = setting(10.0, "Seconds to establish a connection.", above=0)
    read_timeout: float = setting(20.0, "Seconds to wait between bytes of a response.", above=0)
    total_timeout: float = setting(60.0, "Seconds for a whole request, body included.", above=0)
    max_bytes: int = setting(5_000_000, "Largest response body kept (compressed or not).", min=1)
    max_redirects: int = setting(5, "Redirects followed before a fetch fails.", min=0)
    user_agent: str = setting(
        "newswatch/0.1",
        "User-Agent sent with every request.",
        pattern=r"[^\x00-\x1f\x7f]+",
        pattern_help="one line of text",
    )
    contact: str = setting(
        "",
        "Contact (URL or e-mail) appended to the User-Agent.",
        pattern=r"[^\x00-\x1f\x7f]*",
        pattern_help="one line of text",
    )
    allow_private: bool = setting(False, "Allow sources on private/loopback addresses.")
    interval: int = setting(900, "Default seconds between checks of a source.", min=60)
    max_backoff: int = setting(21600, "Longest wait, in seconds, after repeated failures.", min=1)
    failing_after: int = setting(5, "Consecutive errors after which a source shows failing.", min=1)
    parse_workers: int = setting(
        0,
        "Processes that parse feeds and pages and prepare their items (0: threads, one core).",
        min=0,
        max=64,
    )
    tick: float = setting(
        60.0, "Seconds between the daemon's looks for sources due a check.", above=0
    )


@dataclass(frozen=True)
class StoriesSection:
    window_hours: float = setting(72.0, "Hours a story stays open to new articles.", above=0)
    near_duplicate: float = setting(
        0.5, "Shingle Jaccard at which two texts are one copy.", above=0, max=1
    )
    similarity: float = setting(
        0.3,
        "Content cosine plus entity_weight × entity overlap at which two articles in one "
        "language share a story.",
        above=0,
        max=2,
    )
    event_score: float = setting(
        2.5,
        "Event agreement (shared action, actors, places, figures, less disagreements) at "
        "which two articles share a story without sharing words (docs/stories.md).",
        above=0,
        max=10,
    )
    entity_weight: float = setting(
        0.5, "Weight of the entity overlap in the similarity.", min=0, max=1
    )
    top_terms: int = setting(32, "Content terms kept per article in the story index.", min=1)
    query_terms: int = setting(12, "Best terms of a new article used to find candidates.", min=1)
    postings_cap: int = setting(200, "Newest articles read per term or entity lookup.", min=1)
    candidates: int = setting(30, "Candidates scored per new article.", min=1)


@dataclass(frozen=True)
class TelegramSection:
    api_base_url: str = setting(
        "https://api.telegram.org/bot",
        "Telegram Bot API base (for a self-hosted Bot API server).",
        pattern=URL,
        pattern_help="an http(s) URL",
        env="TELEGRAM_API_BASE_URL",
    )
    admins: tuple[str, ...] = setting(
        (),
        "Telegram user ids allowed to change any chat's settings.",
        pattern=TELEGRAM_USER_ID,
        pattern_help="numeric user ids",
    )
    webhook_url: str = setting(
        "", "Public HTTPS URL Telegram posts updates to (empty: long polling)."
    )
    webhook_host: str = setting("0.0.0.0", "Address of the Telegram webhook endpoint.")
    webhook_port: int = setting(
        8081, "Port of the Telegram webhook endpoint (plain HTTP).", min=1, max=65535
    )
    webhook_path: str = setting(
        "/telegram/webhook",
        "Path of the Telegram webhook endpoint.",
        pattern=r"/\S*",
        pattern_help="a path starting with /",
    )


@dataclass(frozen=True)
class SlackSection:
    api_base_url: str = setting(
        "https://slack.com/api/",
        "Slack Web API base URL.",
        pattern=URL,
        pattern_help="an http(s) URL",
        env="SLACK_API_BASE_URL",
    )
    admins: tuple[str, ...] = setting(
        (),
        "Slack user ids allowed to change any channel's settings.",
        pattern=SLACK_USER_ID,
        pattern_help="Slack user ids (capitals and digits)",
    )
    host: str = setting("0.0.0.0", "Address of the Slack HTTP endpoint (no SLACK_APP_TOKEN).")
    port: int = setting(
        3000, "Port of the Slack HTTP endpoint, served at /slack/events.", min=1, max=65535
    )


@dataclass(frozen=True)
class HealthSection:
    host: str = setting("0.0.0.0", "Address of the health and metrics server.")
    port: int = setting(
        8080, "Port of the health and metrics server (0 disables it).", min=0, max=65535
    )
    max_cycle_age: float = setting(
        900.0,
        "Seconds since the last completed fetch cycle after which /readyz reports not ready.",
        above=0,
    )


@dataclass(frozen=True)
class WebSection:
    host: str = setting(
        "127.0.0.1",
        "Address `newswatch web` listens on; any but loopback needs NEWSWATCH_WEB_TOKEN.",
    )
    port: int = setting(8081, "Port `newswatch web` listens on.", min=1, max=65535)


@dataclass(frozen=True)
class LogSection:
    level: str = setting(
        "INFO", "Log level: DEBUG, INFO, WARNING or ERROR.", choices=LOG_LEVELS, ignore_case=True
    )
    format: str = setting(
        "auto", "Log format: json, text, or auto (json off a terminal).", choices=LOG_FORMATS
    )


@dataclass(frozen=True)
class DeliverySection:
    flush_interval: float = setting(60.0, "Seconds between the daemon's outbox flushes.", above=0)


@dataclass(frozen=True)
class ReloadSection:
    poll_interval: float = setting(
        2.0,
        "Seconds between checks of the configuration and rule files for changes (0: SIGHUP only).",
        min=0,
    )
    apply_rules: bool = setting(
        False,
        "After a reload that changes the rules, match stored articles again (as `newswatch "
        "rules apply`: new topics tag existing stories, old stories do not alert).",
    )
    apply_hours: float = setting(
        168.0, "Hours of stored articles a reload's `reload.apply_rules` matches again.", min=1
    )


@dataclass(frozen=True)
class RetentionSection:
    text_days: int = setting(
        30,
        "Days an article's full text (and its search index) is kept; after that its title, "
        "link and first few sentences stay.",
        min=1,
    )
    articles_days: int = setting(
        90,
        "Days an article (title, link, rule matches) is kept; its story stays, with its "
        "counts, title and lead.",
        min=1,
    )
    stories_days: int = setting(
        365, "Days a story is kept after its last article (the story list's memory).", min=1
    )
    deliveries_days: int = setting(
        30,
        "Days sent or failed outbox messages and delivery records are kept (at least the "
        "digest look-back of 3 days).",
        min=3,
    )
    every_hours: float = setting(
        24.0, "Hours between the daemon's prune runs (see `newswatch db prune`).", above=0
    )


def retention_problems(value: Callable[[str], object]) -> list[tuple[str, str]]:
    """(setting, message) for retention values that make no sense together: text kept
    longer than its article, articles longer than their story, or text dropped while a
    story can still take new articles (grouping reads it)."""
    text, articles, stories = (
        int(cast(int, value(f"retention.{k}_days"))) for k in ("text", "articles", "stories")
    )
    window = float(cast(float, value("stories.window_hours")))
    problems = []
    if text > articles:
        problems.append(
            (
                "retention.text_days",
                f"{text} is more than retention.articles_days ({articles}): "
                "an article's text cannot outlive the article",
            )
        )
    if articles > stories:
        problems.append(
            (
                "retention.articles_days",
                f"{articles} is more than retention.stories_days "
                f"({stories}): an article goes with its story",
            )
        )
    if text * 24 < window:
        problems.append(
            (
                "retention.text_days",
                f"{text} days is less than stories.window_hours ({window:g}): "
                "stories still open need their articles' text",
            )
        )
    return problems


@dataclass(frozen=True)
class Settings:
    """Every setting's value, checked, read as attributes: `settings.fetch.concurrency`."""

    database: str = setting(
        "newswatch.db",
        "SQLite file, relative to the configuration file, or a PostgreSQL URL "
        "postgresql://user@host:port/db (password from NEWSWATCH_DATABASE_PASSWORD).",
        pattern=r".*\S.*",
        pattern_help="a file name or a postgresql:// URL",
    )
    rules: tuple[str, ...] = setting(
        ("rules/*.yaml",), "Globs of rule files, relative to the configuration file."
    )
    timezone: str = setting("UTC", "Default timezone for channels that name none.")
    fetch: FetchSection = field(default_factory=FetchSection)
    stories: StoriesSection = field(default_factory=StoriesSection)
    telegram: TelegramSection = field(default_factory=TelegramSection)
    slack: SlackSection = field(default_factory=SlackSection)
    health: HealthSection = field(default_factory=HealthSection)
    web: WebSection = field(default_factory=WebSection)
    log: LogSection = field(default_factory=LogSection)
    delivery: DeliverySection = field(default_factory=DeliverySection)
    reload: ReloadSection = field(default_factory=ReloadSection)
    retention: RetentionSection = field(default_factory=RetentionSection)

    @classmethod
    def from_values(cls, values: Mapping[str, object]) -> Settings:
        """Settings from checked values by dotted name (missing ones keep their default)."""
        top: dict[str, Any] = {}
        for f in fields(cls):
            kind = _hints(cls)[f.name]
            if _SPEC in f.metadata:
                if f.name in values:
                    top[f.name] = values[f.name]
                continue
            given = {
                g.name: values[f"{f.name}.{g.name}"]
                for g in fields(kind)
                if f"{f.name}.{g.name}" in values
            }
            top[f.name] = kind(**given)
        return cls(**top)

    def flat(self) -> dict[str, object]:
        """Every value by dotted name (for comparing two loads)."""
        out: dict[str, object] = {}
        for s in SETTINGS:
            node: object = self
            for part in s.name.split("."):
                node = getattr(node, part)
            out[s.name] = node
        return out


def _hints(cls: Any) -> dict[str, Any]:
    return get_type_hints(cls)


def _table() -> tuple[Setting, ...]:
    rows: list[Setting] = []

    def add(name: str, hint: object, f: Any) -> None:
        base = tuple if str(hint).startswith("tuple") else hint
        rows.append(Setting(name, cast(type, base), f.default, f.metadata[_SPEC]))

    for f in fields(Settings):
        hint = _hints(Settings)[f.name]
        if _SPEC in f.metadata:
            add(f.name, hint, f)
            continue
        for g in fields(hint):
            add(f"{f.name}.{g.name}", _hints(hint)[g.name], g)
    return tuple(rows)


SETTINGS: tuple[Setting, ...] = _table()
SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
SECTIONS: frozenset[str] = frozenset(s.name.split(".")[0] for s in SETTINGS if "." in s.name)


# ---- secrets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Secrets:
    """Tokens from the environment (see bot.config.secrets). repr() never shows them."""

    telegram_bot_token: str = field(default="", repr=False)
    slack_bot_token: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    telegram_webhook_secret: str = field(default="", repr=False)
    web_token: str = field(default="", repr=False)

    def values(self) -> tuple[str, ...]:
        return tuple(v for v in vars(self).values() if v)


def parse_duration(value: object) -> int | None:
    """Seconds from 900, "900", "15m", "2h", "1d", "1w"; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+)\s*([smhdw]?)\s*", value)
        if m:
            units = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
            return int(m.group(1)) * units[m.group(2)]
    return None
