"""Frozen value types shared by every layer.

Adapters convert the outside world to and from these; `core/` computes on them. Times are
always timezone-aware UTC datetimes; ids are strings from configuration or integers from the
store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

SourceKind = str  # a name in bot.sources.kinds (the registry checks it at load)
Platform = str  # a name in bot.chat.platforms (the configuration checks it at load)
DeliveryMode = Literal["instant", "digest", "both"]
EntityKind = Literal["person", "org", "place", "thing"]
Language = Literal["en", "ar", "fa", "ru"]  # of the bot's own words (core.i18n has them)


@dataclass(frozen=True)
class Source:
    """A configured place to fetch articles from."""

    id: str
    url: str
    kind: SourceKind = "feed"
    name: str = ""
    interval: int = 900  # seconds between checks
    full_text: bool = False  # fetch each item's page even when the feed carries text
    lang: str | None = None  # hint only
    enabled: bool = True
    selector: str | None = None  # CSS selector for article links on an html listing page
    # request options (configuration only; bot.sources.options applies them): secrets stay
    # in the environment, only the variables' names are here
    headers: tuple[tuple[str, str], ...] = ()  # extra request headers
    cookie_env: str | None = None  # variable holding the Cookie header's value
    proxy: str | None = None  # proxy URL (no credentials: those go in proxy_env)
    proxy_env: str | None = None  # variable holding the proxy URL
    rate_limit: float = 0.0  # minimum seconds from the end of one request to the next

    @property
    def display_name(self) -> str:
        return self.name or self.id

    def request_fields(self) -> dict[str, Any]:
        """The request options it has (REQUEST_FIELDS that are set), by field name."""
        return {k: v for k in REQUEST_FIELDS if (v := getattr(self, k))}


# A Source's request options, as its fields and as the configuration's keys.
REQUEST_FIELDS = ("headers", "cookie_env", "proxy", "proxy_env", "rate_limit")


@dataclass(frozen=True)
class RawItem:
    """One item as a source gave it, before identity and cleanup."""

    source_id: str
    title: str
    url: str | None = None
    guid: str | None = None
    text: str = ""  # plain text (feed content or extracted page text)
    summary: str = ""  # a feed's short description, the fallback when extraction fails
    published: datetime | None = None
    published_from: str = ""  # where the date came from: feed, meta, json-ld, time, text
    lang: str | None = None


@dataclass(frozen=True)
class WaitingItem:
    """An item whose article page is still to be read: kept (with its feed text) in the
    store, fetched at later polls whether or not its feed changed."""

    item: RawItem
    key: str  # its identity key (core.identity.item_key of the item as the feed gave it)
    tries: int = 0  # page fetches that failed so far
    last_error: str | None = None


@dataclass(frozen=True)
class Article:
    """An article as stored: one per identity key."""

    key: str  # identity: guid, else canonical url, else hash of title+content
    source_id: str
    source_name: str
    url: str
    title: str
    text: str  # main text after cleanup
    fetched: datetime
    published: datetime | None = None
    lang: str | None = None
    id: int | None = None  # store row id, once stored

    @property
    def seen_at(self) -> datetime:
        """The time that places the article in a story window."""
        return self.published or self.fetched


@dataclass(frozen=True)
class Entity:
    id: str
    name: str  # the first name given: shown where no name in the reader's language is
    aliases: tuple[str, ...]
    kind: EntityKind = "thing"
    description: str = ""
    exclude: tuple[str, ...] = ()  # NOT-context: phrases whose presence vetoes an alias hit
    names: tuple[tuple[str, str], ...] = ()  # (language, name), as the rules give them

    def name_in(self, language: str) -> str:
        """The name in `language`, else the first given."""
        return dict(self.names).get(language, self.name)


@dataclass(frozen=True)
class Topic:
    id: str
    name: str  # the first name given: shown where no name in the reader's language is
    query: str
    priority: Literal["high", "normal"] = "normal"
    description: str = ""
    names: tuple[tuple[str, str], ...] = ()  # (language, name), as the rules give them

    def name_in(self, language: str) -> str:
        """The name in `language`, else the first given."""
        return dict(self.names).get(language, self.name)


@dataclass(frozen=True)
class Evidence:
    """Which rule term matched which span of the original text."""

    field: Literal["title", "text"]
    start: int  # character offsets into the original (un-normalised) field
    end: int
    surface: str  # the original text of the span
    term: str  # the alias or query term that matched


@dataclass(frozen=True)
class Match:
    kind: Literal["entity", "topic"]
    id: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class MatchResult:
    entities: tuple[Match, ...] = ()
    topics: tuple[Match, ...] = ()

    @property
    def entity_ids(self) -> frozenset[str]:
        return frozenset(m.id for m in self.entities)

    @property
    def topic_ids(self) -> frozenset[str]:
        return frozenset(m.id for m in self.topics)


@dataclass(frozen=True)
class Outlet:
    name: str
    url: str


@dataclass(frozen=True)
class Headline:
    """One outlet's headline for a story, with the start of its text and its language."""

    lang: str | None
    title: str
    text: str  # the article's first characters: its lead comes from here


@dataclass(frozen=True)
class Story:
    id: int
    title: str
    lead: str
    first_seen: datetime
    last_seen: datetime
    article_ids: tuple[int, ...]
    outlets: tuple[Outlet, ...]  # one per outlet, in order of first report
    entity_ids: tuple[str, ...] = ()
    topic_ids: tuple[str, ...] = ()
    headlines: tuple[Headline, ...] = ()  # one per outlet, in order of first report


@dataclass(frozen=True)
class TextTerm:
    """One normalised token looked up in the article text index; `prefix` also finds the
    words it begins. Core builds text queries from these; each store writes its own syntax."""

    token: str
    prefix: bool = False


@dataclass(frozen=True)
class TextAll:
    """Every part must be found."""

    parts: tuple[TextQuery, ...]


@dataclass(frozen=True)
class TextAny:
    """At least one part must be found."""

    parts: tuple[TextQuery, ...]


TextQuery = TextTerm | TextAll | TextAny


@dataclass(frozen=True)
class Subscription:
    channel_id: str
    target: str  # a topic id, or "@entity-id"
    mode: DeliveryMode = "digest"


@dataclass(frozen=True)
class Channel:
    """A chat destination with its delivery preferences."""

    id: str
    platform: Platform
    destination: str  # Telegram chat id or Slack channel id; "-" for the console
    subscriptions: tuple[Subscription, ...] = ()
    mode: DeliveryMode = "digest"
    schedule: str = "0 8,20 * * *"  # cron, in the channel's timezone
    timezone: str = "UTC"
    max_stories: int = 20
    language: Language = "en"
    show_updates: bool = True  # re-show a delivered story once it gains outlets
    # the settings the config file states (None: all of them); a restart writes only those,
    # so a schedule or language set in chat survives where the file says nothing
    stated: frozenset[str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DigestItem:
    story: Story
    updated: bool = False  # shown again because it gained outlets
    new_outlets: int = 0


@dataclass(frozen=True)
class Digest:
    channel_id: str
    generated_at: datetime
    items: tuple[DigestItem, ...] = ()
    timezone: str = "UTC"
    language: Language = "en"


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # opaque payload the adapter routes back to the command layer


@dataclass(frozen=True)
class Reply:
    """What a chat command returns; adapters render it."""

    text: str
    buttons: tuple[Button, ...] = ()
    ok: bool = True
    lines: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class StoryFilter:
    """Which stories a listing shows (web page, API, channel feed); None means any."""

    topic: str | None = None
    entity: str | None = None
    lang: str | None = None  # an article of the story is in this language
    source: str | None = None  # an article of the story comes from this source id
    since: datetime | None = None  # last seen at or after
    targets: tuple[str, ...] = ()  # tagged with any of these (topic id or @entity id)


@dataclass(frozen=True)
class SourceHealth:
    """One source as an operator checks it: configuration, fetch state and what it stored."""

    id: str
    name: str
    url: str
    kind: str
    enabled: bool
    last_checked: datetime | None
    last_success: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    error_count: int
    failing: bool
    next_check: datetime | None
    articles_stored: int
    warning: str | None = None  # the last poll answered but gave nothing to read
    page_errors: int = 0  # article pages that failed, over the source's life
    last_page_error: str | None = None
    last_page_error_at: datetime | None = None
    origin: str = "config"  # config, or where a database-only source came from
    paused_at: datetime | None = None  # a person's pause (web, chat, CLI), kept until resumed
    paused_by: str | None = None


@dataclass(frozen=True)
class ChannelState:
    """A channel with its delivery state: paused (and why) and messages waiting."""

    channel: Channel
    paused: bool
    paused_reason: str | None
    paused_at: datetime | None
    pending: int


@dataclass(frozen=True)
class HourlyCount:
    """Articles matched to one rule in one UTC hour, and how many stories they belong to."""

    kind: Literal["entity", "topic"]
    target: str
    hour: datetime
    articles: int
    stories: int
