"""The source-kind registry: the one place that names the kinds of source.

Each entry says everything the rest of the tree needs to know about a kind: the Accept
header its own URL is fetched with, the configuration keys only it takes, its poll function
(the response → the new items), how it travels in OPML, how `newswatch extract`
recognises and reads its content, and how feed discovery finds it on a site and ranks it
(its `DiscoveryHook`). Nothing else switches on a kind's name.

Adding a kind: one module with its poll function (see `bot.sources.collect.poll_feed` for
the shape: fetcher, parse pool, source, response, outcome so far, known-keys check →
SourceOutcome), and
one `KindEntry(...)` line below (or `register_kind` from a plugin or a test).

The built-in kinds' functions are imported on first use: the configuration loader reads
this registry, and loading a configuration should not pay for the parsers.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.core.opml import OutlineForm
from bot.models import RawItem, Source

if TYPE_CHECKING:
    from bot.sources.collect import KnownKeys, SourceOutcome
    from bot.sources.discoverparse import Summary
    from bot.sources.http import Fetcher, Response
    from bot.sources.parsepool import ParsePool

# (fetcher, parse pool, source, its response, the outcome so far, known-keys check) → the
# outcome with the new items, and in `waiting` those of them whose article page collect is to
# read (under the source's page budget, retried across polls); errors raised as
# FeedError/PageError become the source's error.
Poll = Callable[
    ["Fetcher", "ParsePool", Source, "Response", "SourceOutcome", "KnownKeys"],
    Awaitable["SourceOutcome"],
]
# bytes (and the Content-Type when fetched) → whether it is this kind's content
Sniff = Callable[[bytes, str], bool]
# bytes and the URL they came from → (a warning about ill-formed input or None, the items)
Read = Callable[[bytes, str], tuple[str | None, list[RawItem]]]
# a configuration value that stands for the source's URL → that URL (ValueError: why not)
Address = Callable[[object], str]
# discovery: a body of the kind, its URL and response headers → what it would bring
# (NotReadable from bot.sources.discoverparse when it is not one)
Summarise = Callable[[bytes, str, Mapping[str, str]], "Summary"]
# discovery: an address a user typed → the kind's own URL for it, when the address has the
# kind's shape (t.me/<name> → its web preview); None otherwise
Shape = Callable[[str], "str | None"]

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.5"
)
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
JSONFEED_ACCEPT = "application/feed+json, application/json;q=0.9, */*;q=0.5"
SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.5"
CHANNEL_PREVIEW = "https://t.me/s/"  # a public channel's web preview: CHANNEL_PREVIEW + name
_CHANNEL_NAME = re.compile(r"@?([A-Za-z][A-Za-z0-9_]{3,31})")
_CHANNEL_PATH = re.compile(r"^/(?:s/)?([A-Za-z][A-Za-z0-9_]{3,31})/?$")
_CHANNEL_HOSTS = {"t.me", "www.t.me"}
_NOT_CHANNELS = {"joinchat", "share", "addstickers"}


def channel_preview_url(name: object) -> str:
    """The web preview address of a public Telegram channel (`channel: name`)."""
    found = _CHANNEL_NAME.fullmatch(name.strip()) if isinstance(name, str) else None
    if found is None:
        raise ValueError(f"a public channel name (letters, digits, _; 4-32), got {name!r}")
    return CHANNEL_PREVIEW + found.group(1)


def channel_preview(url: str) -> str | None:
    """The web preview (`https://t.me/s/<name>`) of a `t.me/<name>` or `t.me/s/<name>`
    address, else None: the telegram kind's shape for discovery."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in _CHANNEL_HOSTS:
        return None
    m = _CHANNEL_PATH.match(parts.path)
    if not m or m.group(1).lower() in _NOT_CHANNELS:
        return None
    return CHANNEL_PREVIEW + m.group(1)


@dataclass(frozen=True)
class DiscoveryHook:
    """How feed discovery (bot.sources.discover) finds a kind on a site and ranks it.

    Discovery looks, best rank first, at: addresses of the kind's `shape`; the page's
    `<link rel="alternate">` of its `link_types`; robots.txt's `Sitemap:` lines (`robots`);
    its common `paths` at the site's root; last, the page itself read as a `page` kind.
    A rank is searched only while no better-ranked candidate works."""

    label: str  # what the reason calls a candidate: "an RSS/Atom feed"
    rank: int = 0  # 0 the best; the usable candidate of the lowest rank is chosen
    lacking: str = ""  # "no working <lacking>" when a worse-ranked kind is chosen instead
    link_types: frozenset[str] = frozenset()  # MIME types of <link rel=alternate type=...>
    paths: tuple[str, ...] = ()  # common paths at a site's root, tried in order
    robots: bool = False  # robots.txt's `Sitemap:` lines are of this kind
    shape: Shape | None = None  # an address of the kind's own shape → the URL to read
    shape_note: str = ""  # found_by of such an address: "a t.me address"
    summarise: Summarise | None = None  # what a body brings; None: the kind's `read`
    page: bool = False  # the site's page itself, read as this kind, is the last resort


@dataclass(frozen=True)
class KindEntry:
    name: str
    help: str
    accept: str  # Accept header for the source's own URL
    poll: Poll
    opml: OutlineForm  # the outline type and the attribute that holds the URL
    keys: frozenset[str] = frozenset()  # configuration keys only this kind reads
    sniff: Sniff | None = None  # `extract` reads content this says yes to as this kind
    read: Read | None = None  # `extract FILE`: the items of saved content
    links_only: bool = False  # items are bare links: a page without title or text is an error
    address: tuple[str, Address] | None = None  # a key that may stand for `url`, and its URL
    discovery: DiscoveryHook | None = None  # how feed discovery finds it; None: it does not

    @property
    def discovered(self) -> DiscoveryHook:
        """The discovery hook, or (content sniffed as this kind) its help as the label."""
        return self.discovery or DiscoveryHook(self.help)


def _lazy(module: str, name: str) -> Any:
    """A function of `module`, imported at its first call."""

    def call(*args: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args)

    call.__qualname__ = f"{module}.{name}"
    return call


KINDS: dict[str, KindEntry] = {}


def register_kind(entry: KindEntry) -> None:
    """Add (or replace) a kind; the configuration accepts its name from then on."""
    KINDS[entry.name] = entry


for _entry in (
    KindEntry(
        "feed",
        "an RSS or Atom feed",
        FEED_ACCEPT,
        _lazy("bot.sources.collect", "poll_feed"),
        OutlineForm("rss", "xmlUrl"),
        frozenset({"full_text"}),
        sniff=_lazy("bot.sources.feeds", "looks_like_feed"),
        read=_lazy("bot.sources.feeds", "read_feed"),
        discovery=DiscoveryHook(
            "an RSS/Atom feed",
            lacking="feed",
            link_types=frozenset(
                {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
            ),
            paths=("/feed", "/rss.xml", "/atom.xml", "/rss", "/feed.xml"),
            summarise=_lazy("bot.sources.discoverparse", "summarise_feed"),
        ),
    ),
    KindEntry(
        "html",
        "a listing page whose article links are followed",
        HTML_ACCEPT,
        _lazy("bot.sources.collect", "poll_listing"),
        OutlineForm("link", "url"),
        frozenset({"selector"}),
        links_only=True,
        discovery=DiscoveryHook(
            "an html listing (article links found automatically)",
            rank=2,
            summarise=_lazy("bot.sources.discoverparse", "summarise_listing"),
            page=True,
        ),
    ),
    KindEntry(
        "telegram",
        "a public Telegram channel, read through its web preview (t.me/s/<name>)",
        HTML_ACCEPT,
        _lazy("bot.sources.tgchannel", "poll_channel"),
        OutlineForm("link", "url"),
        frozenset({"full_text", "channel"}),
        sniff=_lazy("bot.sources.tgchannel", "looks_like_channel"),
        read=_lazy("bot.sources.tgchannel", "read_channel"),
        address=("channel", channel_preview_url),
        discovery=DiscoveryHook(
            "a public Telegram channel", shape=channel_preview, shape_note="a t.me address"
        ),
    ),
    KindEntry(
        "sitemap",
        "a news sitemap (or a sitemap index): its recent articles' pages are read",
        SITEMAP_ACCEPT,
        _lazy("bot.sources.sitemap", "poll_sitemap"),
        OutlineForm("link", "url"),
        sniff=_lazy("bot.sources.sitemap", "looks_like_sitemap"),
        read=_lazy("bot.sources.sitemap", "read_sitemap"),
        links_only=True,
        discovery=DiscoveryHook(
            "a news sitemap",
            rank=1,
            lacking="news sitemap",
            paths=("/news-sitemap.xml", "/sitemap-news.xml", "/sitemap_news.xml"),
            robots=True,
            summarise=_lazy("bot.sources.discoverparse", "summarise_news_sitemap"),
        ),
    ),
    KindEntry(
        "jsonfeed",
        "a JSON Feed (jsonfeed.org, version 1.1 or 1.0)",
        JSONFEED_ACCEPT,
        _lazy("bot.sources.jsonfeed", "poll_jsonfeed"),
        OutlineForm("rss", "xmlUrl"),
        frozenset({"full_text"}),
        sniff=_lazy("bot.sources.jsonfeed", "looks_like_jsonfeed"),
        read=_lazy("bot.sources.jsonfeed", "read_jsonfeed"),
        discovery=DiscoveryHook(
            "a JSON Feed",
            lacking="feed",
            link_types=frozenset({"application/feed+json", "application/json"}),
            paths=("/feed.json",),
        ),
    ),
):
    register_kind(_entry)

DEFAULT_KIND = "feed"  # a source that names no kind


def kind_names() -> tuple[str, ...]:
    return tuple(KINDS)


def kind_of(name: str) -> KindEntry:
    """The entry of a kind the configuration accepted (KeyError names an unknown one)."""
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown source kind {name!r} (known: {', '.join(KINDS)})") from None


def opml_forms() -> dict[str, OutlineForm]:
    return {name: entry.opml for name, entry in KINDS.items()}


def sniff_kind(body: bytes, content_type: str) -> KindEntry | None:
    """The kind whose content this is, for `extract`; None for an article page. Kinds added
    later are asked first: they are the more particular (the feed kind takes any XML)."""
    return next(
        (k for k in reversed(KINDS.values()) if k.sniff and k.sniff(body, content_type)), None
    )
