"""The file's `sources:` list, each entry checked at load (kind, URL, interval, selector)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from bot.config.entries import entries
from bot.config.requestopts import REQUEST_KEYS, read_request_options
from bot.core.yamlpos import Document, Problem
from bot.models import Source
from bot.settings import did_you_mean, parse_duration
from bot.sources.kinds import DEFAULT_KIND, KINDS, Address, kind_names

# Keys every source may have; a kind adds its own (KindEntry.keys: full_text, selector,
# channel).
COMMON_KEYS = frozenset({"id", "url", "kind", "name", "interval", "lang", "enabled"}) | REQUEST_KEYS


def source_keys() -> frozenset[str]:
    """Every key a source of some registered kind may have."""
    return COMMON_KEYS.union(*(entry.keys for entry in KINDS.values()))


SOURCE_KEYS = source_keys()
Bad = Callable[[str, str], None]
MIN_INTERVAL = 60


def read_sources(
    doc: Document, problems: list[Problem], env: Mapping[str, str] | None = None
) -> list[Source]:
    sources: list[Source] = []
    for entry in entries(doc, "sources", "source", source_keys(), problems):
        item, bad = entry.item, entry.bad
        kind = item.get("kind", DEFAULT_KIND)
        for key in item:
            if key not in COMMON_KEYS and kind in kind_names() and key not in KINDS[kind].keys:
                owners = " or ".join(k for k, e in KINDS.items() if key in e.keys)
                bad(key, f"only for kind {owners}; a {kind} source does not use it")
        url = item.get("url")
        address = KINDS[kind].address if kind in kind_names() else None
        if address is not None and address[0] in item:
            url = _address_url(item, address, bad)
        elif not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            named = f" (or `{address[0]}`)" if address is not None else ""
            bad("url", f"required http(s) URL{named}")
        if kind not in kind_names():
            kinds = kind_names()
            hint = did_you_mean(kind, kinds) if isinstance(kind, str) else ""
            bad("kind", f"must be {' or '.join(kinds)}, got {kind!r}{hint}")
        interval = parse_duration(item.get("interval", 900))
        if interval is None or interval < MIN_INTERVAL:
            bad("interval", f"a duration of at least {MIN_INTERVAL}s")
        for key in ("full_text", "enabled"):
            if key in item and not isinstance(item[key], bool):
                bad(key, "true or false")
        for key in ("name", "lang", "selector"):
            if key in item and not isinstance(item[key], str):
                bad(key, "expected text")
        selector = item.get("selector")
        if isinstance(selector, str):
            error = selector_error(selector)
            if error:
                bad("selector", f"not a CSS selector: {error}")
        options = read_request_options(item, bad, env or {})
        if entry.ok:
            sources.append(
                Source(
                    id=entry.id,
                    url=str(url),
                    kind=kind,
                    name=str(item.get("name", "")),
                    interval=interval or 900,
                    full_text=bool(item.get("full_text", False)),
                    lang=item.get("lang"),
                    enabled=bool(item.get("enabled", True)),
                    selector=selector,
                    **options,
                )
            )
    return sources


def _address_url(item: dict[str, Any], address: tuple[str, Address], bad: Bad) -> str | None:
    """The URL a kind's own key stands for (`channel: name`), when `url` is not given too."""
    key, to_url = address
    if "url" in item:
        bad(key, f"give `url` or `{key}`, not both")
        return None
    try:
        return to_url(item[key])
    except ValueError as exc:
        bad(key, str(exc))
        return None


def selector_error(selector: str) -> str:
    """Why `selector` does not compile as the listing parser will use it, or ""."""
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        CSSSelector(selector, translator="html")
    except SelectorError as exc:
        return str(exc) or type(exc).__name__
    return ""
