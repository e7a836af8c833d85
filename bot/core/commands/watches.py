"""Rules made in chat: `watch`/`unwatch`/`watches` (a channel's own alerts, for its admins)
and `entity add|alias|remove` (new names for everyone, for instance admins).

Each change is stored first, then `Env.rules_changed` merges the rules again in this process
(other processes follow the store within their poll), so the next article is matched with
it. Queries and aliases are checked here exactly as the rule files check theirs.
"""

from __future__ import annotations

from bot.core.chatrules import (
    ChatEntity,
    ChatWatch,
    check_query,
    split_words,
    valid_id,
)
from bot.core.commands.base import CommandError
from bot.core.commands.channel import _channel
from bot.core.commands.queries import MAX_QUERY, _short, _syntax
from bot.core.commands.registry import Call, command, usage_error
from bot.core.query import QuerySyntaxError, make_term, parse_query, refs
from bot.core.rules import KINDS
from bot.models import DeliveryMode, EntityKind, Reply

MAX_NAME = 100  # characters of an entity's name or one alias
MAX_ALIASES = 30
MAX_WATCHES = 50  # per channel: each is a topic every article is matched against


def _rules_changed(call: Call) -> None:
    if call.env.rules_changed is not None:
        call.env.rules_changed()


@command("watch", changes="what.watches")
def watch(call: Call) -> Reply:
    """watch <name> <query> [--digest]

    Alert this channel to what a query matches (as in `search`, with @entity and #topic),
    at once or with `--digest` in the digest; the same name again replaces its query.
    """
    words = call.args.split()
    mode: DeliveryMode = "instant"
    if words and words[-1].lower() == "--digest":
        mode, words = "digest", words[:-1]
    if len(words) < 2:
        raise usage_error(watch)
    name = words[0].lower()
    if not valid_id(name):
        raise CommandError("watch.bad_name", name=_short(words[0], 40))
    query = call.args.strip().split(None, 1)[1].strip()
    if mode == "digest":
        query = query[: query.rfind("--")].strip()
    if len(query) > MAX_QUERY:
        raise CommandError("search.too_long", limit=MAX_QUERY)
    try:
        check_query(query, call.env.rules())
    except QuerySyntaxError as exc:
        raise _syntax(call, exc) from None
    channel = _channel(call)
    have = {w.name for w in call.env.store.chat_rules().watches if w.channel_id == channel.id}
    if name not in have and len(have) >= MAX_WATCHES:
        raise CommandError("watch.too_many", limit=MAX_WATCHES)
    outcome = call.env.store.save_watch(
        ChatWatch(channel.id, name, query), mode, call.request.user, call.request.now
    )
    _rules_changed(call)
    return call.reply(f"watch.{outcome}", name=name, query=_short(query, 200), mode=mode)


@command("unwatch", changes="what.watches")
def unwatch(call: Call) -> Reply:
    """unwatch <name>

    Stop a watch of this channel and forget its query.
    """
    words = call.args.split()
    if len(words) != 1:
        raise usage_error(unwatch)
    name = words[0].lower()
    if call.channel is None or not call.env.store.remove_watch(call.channel.id, name):
        return Reply(call.t("watch.none", name=_short(words[0], 40)), ok=False)
    _rules_changed(call)
    return call.reply("watch.removed", name=name)


@command("watches")
def watches(call: Call) -> Reply:
    """watches

    This channel's watches with their queries.
    """
    if call.channel is None:
        return call.reply("watches.none")
    mine = [w for w in call.env.store.chat_rules().watches if w.channel_id == call.channel.id]
    if not mine:
        return call.reply("watches.none")
    active = call.env.rules().topics
    followed = {s.target for s in call.channel.subscriptions}
    lines = [call.t("watches.header")]
    for w in mine:
        note = "" if w.topic_id in active else " " + call.t("watches.inactive")
        if w.topic_id not in followed:  # `unsubscribe all` took the subscription
            note += " " + call.t("watches.unfollowed", name=w.name)
        lines.append(f"• {w.name} — {_short(w.query, 200)}{note}")
    return Reply("\n".join(lines))


@command("entity", admin=True)
def entity(call: Call) -> Reply:
    """entity add|alias|remove <id> ["<name>"] <alias> [<alias> …]

    Teach every channel a new name, in every spelling, without editing rule files (instance
    admins only): `entity add <id> "<name>" <alias> …` (`--kind person|org|place|thing`),
    `entity alias <id> <alias> …`, `entity remove <id>`; then `watch <name> @id`.
    """
    words = split_words(call.args)
    if words is None:
        raise CommandError("entity.quotes")
    action = words[0].lower() if words else ""
    if action == "add" and len(words) >= 4:
        return _add(call, words[1:])
    if action == "alias" and len(words) >= 3:
        return _alias(call, words[1].lower(), words[2:])
    if action == "remove" and len(words) == 2:
        return _remove(call, words[1].lower())
    raise usage_error(entity)


def _aliases(values: list[str]) -> list[str]:
    if len(values) > MAX_ALIASES:
        raise CommandError("entity.too_many", limit=MAX_ALIASES)
    for alias in values:
        if len(alias) > MAX_NAME:
            raise CommandError("entity.too_long", limit=MAX_NAME)
        try:
            make_term(alias)
        except QuerySyntaxError as exc:
            raise CommandError(
                "entity.bad_alias", alias=_short(alias, 60), message=exc.message
            ) from None
    return values


def _not_in_files(call: Call, eid: str) -> None:
    """Refuse an id the rule files define: those are changed in the files (the file wins)."""
    chat = {e.id for e in call.env.store.chat_rules().entities}
    if eid in call.env.rules().entities and eid not in chat:
        raise CommandError("entity.in_files", id=eid)


def _add(call: Call, words: list[str]) -> Reply:
    kind: EntityKind = "thing"
    if "--kind" in words[:-1]:
        at = words.index("--kind")
        value = words[at + 1].lower()
        if value not in KINDS:
            raise CommandError("entity.bad_kind", kinds=", ".join(KINDS))
        kind = value  # type: ignore[assignment]  # checked against KINDS just above
        words = words[:at] + words[at + 2 :]
    if len(words) < 3:
        raise usage_error(entity)
    eid, name, aliases = words[0].lower(), words[1].strip(), _aliases(words[2:])
    if not valid_id(eid):
        raise CommandError("entity.bad_id", id=_short(words[0], 40))
    if not name or len(name) > MAX_NAME:
        raise CommandError("entity.too_long", limit=MAX_NAME)
    _not_in_files(call, eid)
    new = ChatEntity(eid, name, tuple(aliases), kind)
    if not call.env.store.add_chat_entity(new, call.request.user, call.request.now):
        raise CommandError("entity.exists", id=eid)
    _rules_changed(call)
    return call.reply("entity.added", id=eid, name=_short(name, 80), count=len(aliases))


def _alias(call: Call, eid: str, values: list[str]) -> Reply:
    aliases = _aliases(values)
    _not_in_files(call, eid)
    added = call.env.store.add_chat_aliases(eid, aliases)
    if added is None:
        raise CommandError("entity.unknown", id=_short(eid, 40))
    _rules_changed(call)
    return call.reply("entity.aliased", id=eid, count=added)


def _remove(call: Call, eid: str) -> Reply:
    users = []
    for w in call.env.store.chat_rules().watches:
        try:
            named = {r.id for r in refs(parse_query(w.query)) if r.kind == "entity"}
        except QuerySyntaxError:
            continue
        if eid in named:
            users.append(w.name)
    if users:
        raise CommandError("entity.in_use", id=eid, watches=", ".join(sorted(set(users))))
    if not call.env.store.remove_chat_entity(eid):
        raise CommandError("entity.unknown", id=_short(eid, 40))
    _rules_changed(call)
    return call.reply("entity.removed", id=eid)
