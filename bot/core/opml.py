"""OPML in and out: how feed readers move subscriptions between tools.

Feeds are `<outline type="rss" xmlUrl=...>` at any depth (folders are flattened). newswatch's
own options ride along as extra attributes (`kind`, `interval`, `fullText`, `lang`,
`selector`), which other readers ignore. How each kind of source travels (its outline type and
the attribute holding its URL, e.g. a listing page as `type="link" url=...`) comes from the
source-kind registry as `OutlineForm`s; a kind other than the default is named in `kind`.

A source that does not run (a person paused it, or the file disables it) is written with
`newswatch:paused="true"`, in newswatch's own XML namespace as OPML 2.0 asks of an attribute
it does not define; plain readers ignore it and read the feed, and `sources import` adds the
source paused, so a round trip keeps it paused. OPML has no common attribute for this (feed
readers that keep such state write it in their own namespace too).
Parsing never resolves entities or touches the network.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from bot.models import Source

NAMESPACE = "urn:newswatch:opml"  # newswatch's own outline attributes
PAUSED = f"{{{NAMESPACE}}}paused"


class OpmlError(Exception):
    """The file is not OPML we can read; `line` and `column` (1-based) when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line, self.column = line, column


@dataclass(frozen=True)
class Outline:
    """One source read from OPML, and whether it was exported as not running."""

    source: Source
    paused: bool = False


@dataclass(frozen=True)
class OutlineForm:
    """How one kind of source is written as an outline."""

    type: str  # the outline's `type` attribute
    url_attr: str  # the attribute that holds the source's URL


def _source_id(url: str, taken: set[str]) -> str:
    host = (urlsplit(url).hostname or "source").removeprefix("www.")
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", host).strip("-.") or "source"
    sid = f"{base}-{hashlib.sha1(url.encode()).hexdigest()[:6]}"
    while sid in taken:
        sid += "x"
    taken.add(sid)
    return sid


def parse_opml(
    data: bytes, forms: Mapping[str, OutlineForm], default_kind: str, default_interval: int = 900
) -> list[Outline]:
    """Sources of every outline with an http(s) URL; an outline whose `kind` is not one of
    `forms` is read as `default_kind`; `newswatch:paused="true"` marks one paused."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        # libxml2's own words, without the position it appends (the caller places it)
        words = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        line, column = exc.position
        raise OpmlError(
            f"not well-formed XML: {words[:1].lower()}{words[1:]}", line, column
        ) from None
    if root.tag != "opml" or root.find("body") is None:
        raise OpmlError("no <opml><body> found")
    sources: list[Outline] = []
    taken: set[str] = set()
    seen_urls: set[str] = set()
    for el in root.find("body").iter("outline"):
        kind = el.get("kind", default_kind)
        kind = kind if kind in forms else default_kind
        url = el.get(forms[kind].url_attr) or ""
        url = url.strip()
        if urlsplit(url).scheme not in ("http", "https") or url in seen_urls:
            continue
        seen_urls.add(url)
        interval = el.get("interval", "")
        source = Source(
            id=_source_id(url, taken),
            url=url,
            kind=kind,
            name=(el.get("title") or el.get("text") or "").strip(),
            interval=int(interval)
            if interval.isdigit() and int(interval) >= 60
            else default_interval,
            full_text=el.get("fullText", "").lower() == "true",
            lang=el.get("lang") or None,
            selector=el.get("selector") or None,
        )
        sources.append(Outline(source, el.get(PAUSED, "").strip().lower() == "true"))
    return sources


def write_opml(
    sources: Sequence[Source],
    forms: Mapping[str, OutlineForm],
    default_kind: str,
    title: str = "newswatch sources",
    paused: Collection[str] = (),
) -> str:
    """The sources as OPML 2.0; those whose id is in `paused` marked so."""
    root = etree.Element("opml", version="2.0", nsmap={"newswatch": NAMESPACE})
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(root, "body")
    for s in sources:
        attrs = {"text": s.display_name, "title": s.display_name}
        form = forms[s.kind]
        attrs |= {"type": form.type, form.url_attr: s.url}
        if s.kind != default_kind:
            attrs["kind"] = s.kind
        attrs["interval"] = str(s.interval)
        if s.full_text:
            attrs["fullText"] = "true"
        if s.lang:
            attrs["lang"] = s.lang
        if s.selector:
            attrs["selector"] = s.selector
        if s.id in paused:
            attrs[PAUSED] = "true"
        etree.SubElement(body, "outline", attrs)
    xml: bytes = etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="utf-8")
    return xml.decode("utf-8")
