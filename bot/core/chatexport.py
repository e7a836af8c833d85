"""Rules made in chat written as a rules file (`newswatch rules export-chat`), so they can be
kept under version control beside the others and checked by `newswatch rules check`.

Entities keep their ids: loaded with the rule files, the file's entity is used and the chat
one is left out (bot.core.chatrules: rule files win). Each watch becomes a topic whose id is
a file id made from its channel and name (`telegram--100-caspian`), since `chat:` ids are
reserved for watches. Entities the rule files define already are not written again.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

import yaml

from bot.core.chatrules import ChatRules, ChatWatch

_UNSAFE = re.compile(r"[^a-z0-9_-]+")


def file_topic_id(watch: ChatWatch, taken: Collection[str]) -> str:
    """A rule file id for the watch, different from every id in `taken`."""
    base = _UNSAFE.sub("-", f"{watch.channel_id}-{watch.name}".lower()).lstrip("-_") or "watch"
    tid, n = base, 2
    while tid in taken:
        tid, n = f"{base}-{n}", n + 1
    return tid


def export_yaml(chat: ChatRules, in_files: Collection[str] = (), when: str = "") -> str:
    """The rules file text; `in_files`: entity ids the rule files define (left out)."""
    entities: dict[str, Any] = {
        e.id: {"name": e.name, "kind": e.kind, "aliases": list(e.aliases)}
        for e in chat.entities
        if e.id not in in_files
    }
    topics: dict[str, Any] = {}
    for w in chat.watches:
        topics[file_topic_id(w, topics)] = {
            "name": w.name,
            "query": w.query,
            "description": f"watch {w.name} of channel {w.channel_id}, made in chat",
        }
    header = [
        f"# Rules made in chat, exported by `newswatch rules export-chat`{when}.",
        "# Entities keep their chat ids: loaded with the rule files, these are used and the",
        "# chat ones left out. Each watch is a topic here; subscribe a channel to it in",
        "# newswatch.yaml to follow it from the file (the chat watch works until unwatched).",
    ]
    left_out = sorted(e.id for e in chat.entities if e.id in in_files)
    if left_out:
        header.append("# Left out, defined in the rule files already: " + ", ".join(left_out))
    body: dict[str, Any] = {}
    if entities:
        body["entities"] = entities
    if topics:
        body["topics"] = topics
    text = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100) if body else ""
    return "\n".join(header) + "\n" + text
