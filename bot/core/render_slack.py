"""Digests to Slack Block Kit messages.

Slack mrkdwn needs only &, < and > escaped; with those escaped, `<!channel>`, `<@U123>` and
`<#C123>` in an article are shown as text, never parsed. Sections are `verbatim` so Slack
does not auto-link names, and an `@` in article text carries a word joiner, so `@here`
cannot notify anyone even if a client re-parses. Limits: a section's text at most 3,000
characters, a message at most 50 blocks; `text` is the notification fallback.
"""

from __future__ import annotations

from typing import Any

from bot.core.i18n import t
from bot.core.render import (
    STORY_BUDGET,
    TAGS_BUDGET,
    Kind,
    Labels,
    StoryView,
    heading,
    outlet_line,
    views,
)
from bot.core.textsafe import isolate, shorten, within
from bot.models import Digest

SECTION_LIMIT = 3000
MAX_BLOCKS = 50
FALLBACK_MAX = 300

SlackMessage = dict[str, Any]


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _esc_len(text: str) -> int:
    return len(esc(text))


def _link(label: str, url: str | None) -> str:
    if url is None:
        return label
    # safe_url() already refused whitespace and control characters; these three would end
    # the link early or start a label, so they are percent-encoded.
    url = url.replace("&", "&amp;").replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
    return f"<{url}|{label}>"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def slack_story(view: StoryView, lang: str) -> str:
    lines = [f"*{view.rank}. {esc(shorten(view.title, 600, _esc_len))}*"]
    if view.lead:
        lines.append(esc(shorten(view.lead, 640, _esc_len)))
    tags = within([isolate(esc(x)) for x in view.tags], TAGS_BUDGET)
    if tags:
        lines.append("_" + " · ".join(tags) + "_")
    used = sum(len(x) for x in lines)
    outlets = tuple((esc(n), u) for n, u in view.outlets)
    lines.append(outlet_line(outlets, _link, min(STORY_BUDGET, SECTION_LIMIT - 200) - used, lang))
    meta = t(lang, "story.first_seen", time=view.first_seen)
    if view.new_outlets:
        meta += " · " + t(lang, "story.updated", count=view.new_outlets)
    lines.append(esc(meta))
    return "\n".join(lines)


def render_slack(
    digest: Digest, labels: Labels, kind: Kind = "digest", max_blocks: int = MAX_BLOCKS
) -> list[SlackMessage]:
    """chat.postMessage arguments (text + blocks), one dict per message, in order."""
    lang = digest.language
    if not digest.items:
        text = esc(t(lang, "digest.empty"))
        return [{"text": text, "blocks": [_section(text)]}]
    title = heading(digest, kind)
    stories = views(digest, labels)
    per_message = max_blocks - 1  # one block for the heading
    chunks = [stories[i : i + per_message] for i in range(0, len(stories), per_message)]
    messages = []
    for i, chunk in enumerate(chunks, 1):
        head = title
        if len(chunks) > 1:
            head += " — " + t(lang, "digest.part", part=i, parts=len(chunks))
        blocks = [_section(f"*{esc(head)}*")]
        blocks += [_section(slack_story(v, lang)) for v in chunk]
        names = "; ".join(v.title for v in chunk)
        fallback = esc(shorten(f"{head}: {names}", FALLBACK_MAX))
        messages.append({"text": fallback, "blocks": blocks})
    return messages
