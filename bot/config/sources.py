"""The file's `sources:` list, each entry checked at load (kind, URL, interval, selector)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot.core.yamlpos import Document, Problem
from bot.models import Source
from bot.settings import did_you_mean, parse_duration
from bot.sources.kinds import DEFAULT_KIND, KINDS, kind_names

# Keys every source may have; a kind adds its own (KindEntry.keys: full_text, selector).
COMMON_KEYS = frozenset({"id", "url", "kind", "name", "interval", "lang", "enabled"})


def source_keys() -> frozenset[str]:
    """Every key a source of some registered kind may have."""
    return COMMON_KEYS.union(*(entry.keys for entry in KINDS.values()))


SOURCE_KEYS = source_keys()
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MIN_INTERVAL = 60


def read_sources(doc: Document, problems: list[Problem]) -> list[Source]:
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

        def bad(key: str, message: str, _path: tuple[str | int, ...] = path) -> None:
            problems.append(doc.problem((*_path, key), f"{where}.{key}: {message}"))  # noqa: B023

        kind = item.get("kind", DEFAULT_KIND)
        known = source_keys()
        for key in item:
            if key not in known:
                bad(key, f"unknown key{did_you_mean(str(key), sorted(known))}")
            elif key not in COMMON_KEYS and kind in kind_names() and key not in KINDS[kind].keys:
                owners = " or ".join(k for k, e in KINDS.items() if key in e.keys)
                bad(key, f"only for kind {owners}; a {kind} source does not use it")
        sid = str(item.get("id", ""))
        if not ID_RE.match(sid):
            bad("id", "required, letters/digits/_.-")
        elif sid in seen:
            bad("id", f"duplicate source id {sid!r}")
        seen.add(sid)
        url = item.get("url")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            bad("url", "required http(s) URL")
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
                    selector=selector,
                )
            )
    return sources


def selector_error(selector: str) -> str:
    """Why `selector` does not compile as the listing parser will use it, or ""."""
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        CSSSelector(selector, translator="html")
    except SelectorError as exc:
        return str(exc) or type(exc).__name__
    return ""
