"""Turning store values into what pages and the API show: inert text, JSON shapes, evidence
highlighting, source order. Pure functions; the handlers call them.

Every string here came from someone else's website. Text is made inert (bidi overrides and
control characters removed) before Jinja escapes it; a link is kept only when it is http(s).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from bot.core.textsafe import BIDI_CONTROLS, clean, safe_url, shorten
from bot.models import (
    Article,
    ChannelState,
    Evidence,
    Match,
    MatchResult,
    SourceHealth,
    Story,
)

SourceStatus = Literal["failing", "warning", "never", "ok", "paused", "disabled"]
_STATUS_ORDER = {"failing": 0, "warning": 1, "never": 2, "ok": 3, "paused": 4, "disabled": 5}
_DURATION = re.compile(r"^\s*(\d{1,5})\s*([mhd])\s*$")
_UNITS = {"m": 60, "h": 3600, "d": 86400}


def inert(text: str | None) -> str:
    """Text without bidi overrides or control characters, line breaks kept; same length
    per kept character, so evidence offsets computed on the original still cut right
    when applied to each piece separately (see `segments`)."""
    if not text:
        return ""
    text = text.translate(BIDI_CONTROLS)
    return "".join(
        " " if unicodedata.category(ch) == "Cc" and ch not in "\n\t" else ch for ch in text
    )


def line(text: str | None, limit: int = 300) -> str:
    """A title, name or error on one line, capped."""
    return shorten(clean(text or ""), limit)


def link(url: str | None) -> str | None:
    return safe_url(url) if url else None


def when(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def parse_since(value: str | None) -> timedelta | None:
    """`90m`, `24h`, `7d`; None for an empty or malformed value."""
    m = _DURATION.match(value or "")
    return timedelta(seconds=int(m.group(1)) * _UNITS[m.group(2)]) if m else None


def story_json(story: Story) -> dict[str, Any]:
    """A story as the API and `newswatch stories --json` give it."""
    return {
        "id": story.id,
        "title": story.title,
        "lead": story.lead,
        "first_seen": story.first_seen.isoformat(),
        "last_seen": story.last_seen.isoformat(),
        "articles": len(story.article_ids),
        "outlets": [{"name": o.name, "url": o.url} for o in story.outlets],
        "topics": list(story.topic_ids),
        "entities": list(story.entity_ids),
    }


def article_json(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "source_id": article.source_id,
        "source": article.source_name or article.source_id,
        "url": article.url,
        "title": article.title,
        "lang": article.lang,
        "published": when(article.published),
        "fetched": when(article.fetched),
    }


def evidence_json(e: Evidence) -> dict[str, Any]:
    return {"field": e.field, "start": e.start, "end": e.end, "surface": e.surface, "term": e.term}


def match_json(m: Match) -> dict[str, Any]:
    return {"kind": m.kind, "id": m.id, "evidence": [evidence_json(e) for e in m.evidence]}


def result_json(result: MatchResult) -> dict[str, Any]:
    return {
        "entities": [match_json(m) for m in result.entities],
        "topics": [match_json(m) for m in result.topics],
    }


def source_status(s: SourceHealth) -> SourceStatus:
    """disabled (by the configuration file), paused (by a person, until resumed), failing
    (past the error threshold), warning (recent errors, or the last poll gave nothing to
    read), never fetched, ok."""
    if not s.enabled:
        return "disabled"
    if s.paused_at is not None:
        return "paused"
    if s.failing:
        return "failing"
    if s.error_count > 0 or s.warning:
        return "warning"
    return "ok" if s.last_success else "never"


def sources_in_order(sources: Iterable[SourceHealth]) -> list[SourceHealth]:
    """Failing first, then warnings, then never fetched, then healthy; by name within."""
    return sorted(sources, key=lambda s: (_STATUS_ORDER[source_status(s)], s.name.lower()))


def source_json(s: SourceHealth) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "url": s.url,
        "kind": s.kind,
        "status": source_status(s),
        "enabled": s.enabled,
        "origin": s.origin,
        "paused_at": when(s.paused_at),
        "paused_by": s.paused_by,
        "last_checked": when(s.last_checked),
        "last_success": when(s.last_success),
        "last_error": s.last_error,
        "last_error_at": when(s.last_error_at),
        "error_count": s.error_count,
        "next_check": when(s.next_check),
        "articles_stored": s.articles_stored,
        "warning": s.warning,
        "page_errors": s.page_errors,
        "last_page_error": s.last_page_error,
        "last_page_error_at": when(s.last_page_error_at),
    }


def channel_json(state: ChannelState) -> dict[str, Any]:
    c = state.channel
    return {
        "id": c.id,
        "platform": c.platform,
        "destination": c.destination,
        "mode": c.mode,
        "schedule": c.schedule,
        "timezone": c.timezone,
        "language": c.language,
        "max_stories": c.max_stories,
        "subscriptions": [{"target": s.target, "mode": s.mode} for s in c.subscriptions],
        "paused": state.paused,
        "paused_reason": state.paused_reason,
        "paused_at": when(state.paused_at),
        "pending": state.pending,
    }


Segment = tuple[str, str | None]  # a piece of text and the rule it is evidence for (or None)


def segments(text: str, spans: Sequence[tuple[int, int, str]]) -> list[Segment]:
    """`text` cut into plain and highlighted pieces; overlapping spans merge (first label
    kept), spans outside the text are ignored. Each piece is made inert on its own."""
    marks = sorted((max(0, s), min(len(text), e), label) for s, e, label in spans if s < e)
    merged: list[list[Any]] = []
    for start, end, label in marks:
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, label])
    out: list[Segment] = []
    pos = 0
    for start, end, label in merged:
        if start > pos:
            out.append((inert(text[pos:start]), None))
        out.append((inert(text[start:end]), label))
        pos = end
    if pos < len(text) or not out:
        out.append((inert(text[pos:]), None))
    return out


def field_spans(result: MatchResult, field: str) -> list[tuple[int, int, str]]:
    """The evidence spans of every match that fall in one field (title or text)."""
    spans = []
    for m in (*result.entities, *result.topics):
        label = ("@" if m.kind == "entity" else "#") + m.id
        spans += [(e.start, e.end, label) for e in m.evidence if e.field == field]
    return spans


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def outlet_links(story: Story) -> list[tuple[str, str | None]]:
    """Each outlet once, with its link when it is http(s); a link shared by two is shown once."""
    seen: set[str] = set()
    out: list[tuple[str, str | None]] = []
    for outlet in story.outlets:
        url = link(outlet.url)
        if url in seen:
            url = None
        if url:
            seen.add(url)
        out.append((line(outlet.name, 120), url))
    return out
