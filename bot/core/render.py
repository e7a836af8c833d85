"""Digests to messages: Telegram HTML, plain text here; Slack Block Kit in render_slack.

Each story shows its title, a one- or two-sentence lead, its entities and topics by display
name, every outlet by name ("Outlet A · Outlet B · Outlet C · +2 more: Outlet D, Outlet E", each
name a link while they fit) and its first-seen time in the channel's timezone. The bot's
own words come from core.i18n in the channel's language; each line of them starts with a
direction mark (RLM for Arabic channels) and every untrusted piece inside a line is isolated.

Telegram: only <b>, <i> and <a href> are produced, all text is escaped, and a digest is split
between stories into messages of at most 4,096 UTF-16 units of HTML source (stricter than
Telegram's count of visible characters), so no split falls inside a tag or a link.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from bot.core.chatrules import is_watch, watch_topic_id
from bot.core.i18n import is_rtl, t
from bot.core.rules import RuleSet
from bot.core.textsafe import (
    LRM,
    RLM,
    clean,
    inert,
    isolate,
    lead,
    safe_url,
    shorten,
    utf16_len,
    within,
)
from bot.models import Digest, DigestItem

Kind = Literal["digest", "instant"]
TELEGRAM_LIMIT = 4096
TITLE_MAX = 300
LEAD_MAX = 320
NAME_MAX = 60
TAGS_MAX = 12
NAMED_OUTLETS = 3
TAGS_BUDGET = 400
STORY_BUDGET = 3000  # escaped characters per story; a story always fits one message


@dataclass(frozen=True)
class Labels:
    """Display names for topic and entity ids (from the rules); ids stand in when missing.

    `topics`/`entities` hold each id's first-given name; `translations` maps a language to
    the names given in it, which `in_language` lays over them for a channel.
    """

    topics: Mapping[str, str] = field(default_factory=dict)
    entities: Mapping[str, str] = field(default_factory=dict)
    translations: Mapping[str, tuple[Mapping[str, str], Mapping[str, str]]] = field(
        default_factory=dict
    )

    def in_language(self, language: str) -> Labels:
        """The names a channel reading `language` sees (the first given where none is)."""
        topics, entities = self.translations.get(language, ({}, {}))
        if not topics and not entities:
            return self
        return Labels({**self.topics, **topics}, {**self.entities, **entities})


def translations(rules: RuleSet) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Language → (topic names, entity names) given in it, for `Labels.translations`."""
    out: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for table, rule_map in ((0, rules.topics), (1, rules.entities)):
        for rid, rule in rule_map.items():
            for lang, name in rule.names:
                out.setdefault(lang, ({}, {}))[table][rid] = name
    return out


def own_topic(topic_id: str, channel_id: str | None) -> bool:
    """A file topic, or a watch of `channel_id` (every topic when no channel is given)."""
    return (
        channel_id is None
        or not is_watch(topic_id)
        or topic_id.startswith(watch_topic_id(channel_id, ""))
    )


@dataclass(frozen=True)
class StoryView:
    """One story's text, cleaned, inert and capped, before any markup."""

    rank: int
    title: str
    lead: str
    tags: tuple[str, ...]
    outlets: tuple[tuple[str, str | None], ...]  # (name, safe url or None)
    first_seen: str
    new_outlets: int


def story_view(
    rank: int, item: DigestItem, labels: Labels, timezone: str, channel_id: str | None = None
) -> StoryView:
    """With `channel_id`, the watches of other channels (chat-made, channel-local topics)
    are not among the tags."""
    s = item.story
    tags = [labels.topics.get(x, x) for x in s.topic_ids if own_topic(x, channel_id)]
    tags += [labels.entities.get(x, x) for x in s.entity_ids]
    local = s.first_seen.astimezone(ZoneInfo(timezone))
    return StoryView(
        rank=rank,
        title=inert(shorten(clean(s.title), TITLE_MAX)) or "—",
        lead=inert(lead(s.lead, LEAD_MAX)),
        tags=tuple(inert(shorten(clean(x), NAME_MAX)) for x in tags[:TAGS_MAX]),
        outlets=tuple(
            (inert(shorten(clean(o.name), NAME_MAX)) or "?", safe_url(o.url)) for o in s.outlets
        ),
        first_seen=f"{local:%Y-%m-%d %H:%M} {local.tzname() or timezone}",
        new_outlets=item.new_outlets if item.updated else 0,
    )


def views(digest: Digest, labels: Labels) -> list[StoryView]:
    labels = labels.in_language(digest.language)
    return [
        story_view(i, item, labels, digest.timezone, digest.channel_id)
        for i, item in enumerate(digest.items, 1)
    ]


def heading(digest: Digest, kind: Kind) -> str:
    lang = digest.language
    if kind == "instant":
        return t(lang, "instant.title")
    n = len(digest.items)
    return t(lang, "digest.title_one") if n == 1 else t(lang, "digest.title", count=n)


def outlet_line(
    outlets: tuple[tuple[str, str | None], ...],
    link: Callable[[str, str | None], str],
    budget: int,
    lang: str,
) -> str:
    """Every outlet by name: the first NAMED_OUTLETS, then "+N more: D, E, F", each name a
    link while `budget` lasts, then names alone; only when even names no longer fit does the
    line end "and N others" (never a bare number where a name fits).

    `outlets` names are already escaped for the target markup; `link` adds the markup.
    """
    line = ""
    reserve = len(t(lang, "story.others", count=len(outlets))) + 4
    for i, (name, url) in enumerate(outlets):
        if i == 0:
            sep = ""
        elif i < NAMED_OUTLETS:
            sep = " · "
        elif i == NAMED_OUTLETS:
            sep = " · " + t(lang, "story.more_outlets", count=len(outlets) - NAMED_OUTLETS) + " "
        else:
            sep = ", "
        room = budget - (0 if i == len(outlets) - 1 else reserve)
        linked = sep + link(isolate(name), url)
        plain = sep + isolate(name)
        if i == 0 or len(line) + len(linked) <= room:
            line += linked if len(linked) <= budget or i > 0 else plain
        elif len(line) + len(plain) <= room:
            line += plain
        else:
            return line + " " + t(lang, "story.others", count=len(outlets) - i)
    return line


# --- Telegram HTML ---------------------------------------------------------------------


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _esc_len(text: str) -> int:
    return len(_esc(text))


def _tg_link(label_html: str, url: str | None) -> str:
    if url is None:
        return label_html
    return f'<a href="{html.escape(url, quote=True)}">{label_html}</a>'


def telegram_story(view: StoryView, lang: str) -> str:
    mark = RLM if is_rtl(lang) else LRM
    title = shorten(view.title, 2 * TITLE_MAX, _esc_len)
    lines = [f"<b>{view.rank}. {_esc(title)}</b>"]
    if view.lead:
        lines.append(_esc(shorten(view.lead, 2 * LEAD_MAX, _esc_len)))
    tags = within([isolate(_esc(x)) for x in view.tags], TAGS_BUDGET)
    if tags:
        lines.append(mark + "<i>" + " · ".join(tags) + "</i>")
    used = sum(len(x) for x in lines)
    outlets = tuple((_esc(n), u) for n, u in view.outlets)
    lines.append(mark + outlet_line(outlets, _tg_link, STORY_BUDGET - used, lang))
    meta = t(lang, "story.first_seen", time=view.first_seen)
    if view.new_outlets:
        meta += " · " + t(lang, "story.updated", count=view.new_outlets)
    lines.append(mark + _esc(meta))
    return "\n".join(lines)


def render_telegram(
    digest: Digest, labels: Labels, kind: Kind = "digest", limit: int = TELEGRAM_LIMIT
) -> list[str]:
    """Telegram HTML messages, each within `limit`, split only between stories."""
    lang = digest.language
    mark = RLM if is_rtl(lang) else LRM
    if not digest.items:
        return [mark + _esc(t(lang, "digest.empty"))]
    title = mark + "<b>" + _esc(heading(digest, kind)) + "</b>"
    reserve = utf16_len(title) + 80  # room for the heading and "part i of n"
    chunks: list[list[str]] = [[]]
    size = 0
    for view in views(digest, labels):
        block = telegram_story(view, lang)
        cost = utf16_len(block) + 2
        if chunks[-1] and size + cost > limit - reserve:
            chunks.append([])
            size = 0
        chunks[-1].append(block)
        size += cost
    messages = []
    for i, chunk in enumerate(chunks, 1):
        head = title
        if len(chunks) > 1:
            head += " — " + _esc(t(lang, "digest.part", part=i, parts=len(chunks)))
        messages.append("\n\n".join([head, *chunk]))
    return messages


# --- plain text (console, dry runs) ----------------------------------------------------


def plain_story(view: StoryView, lang: str) -> str:
    lines = [f"{view.rank}. {view.title}"]
    if view.lead:
        lines.append(f"   {view.lead}")
    if view.tags:
        lines.append("   [" + " · ".join(view.tags) + "]")
    lines.extend(f"   - {name}: {url or '(no link)'}" for name, url in view.outlets)
    meta = t(lang, "story.first_seen", time=view.first_seen)
    if view.new_outlets:
        meta += " · " + t(lang, "story.updated", count=view.new_outlets)
    lines.append(f"   {meta}")
    return "\n".join(lines)


def render_plain(digest: Digest, labels: Labels, kind: Kind = "digest") -> str:
    lang = digest.language
    if not digest.items:
        return t(lang, "digest.empty")
    head = heading(digest, kind)
    body = [plain_story(v, lang) for v in views(digest, labels)]
    return "\n\n".join([head, "=" * min(len(head), 60), *body])
