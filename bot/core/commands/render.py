"""A command's Reply → what each platform sends: plain text within limits, Block Kit.

Replies go out as plain text (no parse mode on Telegram, mrkdwn-escaped on Slack), so the
echo of a user's query or an article title can never become markup; the command layer has
already made mentions and bidi overrides inert.
"""

from __future__ import annotations

from typing import Any

from bot.core.render_slack import esc
from bot.core.textsafe import shorten, utf16_len
from bot.models import Reply

TELEGRAM_MAX = 4096  # UTF-16 code units per message
SLACK_SECTION_MAX = 3000
SLACK_FALLBACK_MAX = 300


def telegram_text(reply: Reply) -> str:
    return shorten(reply.text, TELEGRAM_MAX, utf16_len)


def slack_message(reply: Reply, actions: list[str] | None = None) -> dict[str, Any]:
    """`text` (notification fallback) and `blocks`; button values are the actions given
    (default: each button's own action)."""
    body = esc(reply.text)
    blocks: list[dict[str, Any]] = []
    chunk: list[str] = []
    size = 0
    for line in body.split("\n"):
        line = shorten(line, SLACK_SECTION_MAX)
        if size + len(line) + 1 > SLACK_SECTION_MAX and chunk:
            blocks.append(_section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        blocks.append(_section("\n".join(chunk)))
    blocks = blocks[:49]
    if reply.buttons:
        values = actions or [b.action for b in reply.buttons]
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": shorten(b.label, 75)},
                        "action_id": f"nw:{i}",
                        "value": value,
                    }
                    for i, (b, value) in enumerate(zip(reply.buttons, values, strict=True))
                ],
            }
        )
    return {"text": shorten(body, SLACK_FALLBACK_MAX), "blocks": blocks}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}
