"""`source add|remove|pause|resume`: the instance's sources from a chat, for the instance's
administrators (telegram.admins / slack.admins); the decisions are bot.core.commands.
sourcebook's, the same as the CLI's and the web page's. `sources` (every user) lists them."""

from __future__ import annotations

from bot.core.commands import sourcebook
from bot.core.commands.base import CommandError
from bot.core.commands.registry import Call, command, usage_error
from bot.core.textsafe import clean, inert, shorten
from bot.models import Reply

ACTIONS = ("add", "remove", "pause", "resume")


def _who(call: Call) -> str:
    return f"{call.request.platform}:{call.request.user}"


def _shown(value: str) -> str:
    return shorten(inert(clean(value)), 200)


@command("source", admin=True)
async def source(call: Call) -> Reply:
    """source add <url> | remove <id> | pause <id> | resume <id>

    Add a feed for the whole instance, or remove, pause or resume a source (instance
    administrators only).
    """
    action, _, rest = call.args.partition(" ")
    action, target = action.lower(), rest.strip()
    if action not in ACTIONS or not target or (action == "add" and " " in target):
        raise usage_error(source)
    store = call.env.store
    if action == "add":
        if call.env.add_source is None:
            raise CommandError("source.add_unavailable")
        added = await call.env.add_source(target, _who(call), call.request.now)
        key = "source.added" if added.items else "source.added_empty"
        reply = call.t(key, id=added.id, kind=added.kind, url=_shown(added.url), items=added.items)
        return Reply("\n".join([reply, added.note] if added.note else [reply]))
    if action == "remove":
        entry = sourcebook.remove(store, target)
        return call.reply("source.removed", id=entry.source.id, url=_shown(entry.source.url))
    if action == "pause":
        entry, changed = sourcebook.pause(store, target, _who(call), call.request.now)
        if changed:
            return call.reply("source.paused", id=entry.source.id)
        when = entry.paused_at.strftime("%Y-%m-%d %H:%M UTC") if entry.paused_at else "?"
        return call.reply("source.paused_same", id=entry.source.id, by=entry.paused_by, when=when)
    entry, changed = sourcebook.resume(store, target)
    return call.reply("source.resumed" if changed else "source.resumed_same", id=entry.source.id)
