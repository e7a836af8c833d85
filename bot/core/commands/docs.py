"""docs/chat.md's command table, generated from the commands' docstrings (a test checks it)."""

from __future__ import annotations

from bot.core.commands.registry import visible


def commands_markdown() -> str:
    lines = ["| command | changes the channel | what it does |", "| --- | --- | --- |"]
    for c in visible():
        usage = c.usage.replace("|", "\\|")
        who = "yes" if c.changes else "instance admins" if c.admin else ""
        lines.append(f"| `{usage}` | {who} | {c.summary} |")
    return "\n".join(lines)
