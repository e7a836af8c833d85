"""Commands that read or change this channel: subscriptions, schedule, mutes, language, digest."""

from __future__ import annotations

from typing import cast

from bot.core.chatrules import is_watch, watch_name
from bot.core.commands import parse
from bot.core.commands.base import CommandError
from bot.core.commands.registry import Call, command, usage_error
from bot.core.commands.texts import text
from bot.core.i18n import LANGUAGES, directed
from bot.models import Button, Channel, DeliveryMode, Reply

MODES = ("instant", "digest")


def target_of(call: Call, raw: str) -> tuple[str, str]:
    """User text → (stored target, display name): `@id` an entity, `id` or `#id` a topic."""
    rules = call.env.rules()
    value = raw.strip().lower()
    if value.startswith("@") and value[1:] in rules.entities:
        return value, f"@{value[1:]} ({rules.entities[value[1:]].name_in(call.language)})"
    topic = value.removeprefix("#")
    if topic in rules.topics and not is_watch(topic):  # a watch is its channel's own
        return topic, f"#{topic} ({rules.topics[topic].name_in(call.language)})"
    raise CommandError("bad_target", target=raw[:60])


def display(call: Call, target: str) -> str:
    rules = call.env.rules()
    if target.startswith("@"):
        entity = rules.entities.get(target[1:])
        return f"{target} ({entity.name_in(call.language)})" if entity else target
    if is_watch(target):
        return f"{call.t('kind.watch')} {watch_name(target)}"
    topic = rules.topics.get(target)
    return f"#{target} ({topic.name_in(call.language)})" if topic else f"#{target}"


def _channel(call: Call) -> Channel:
    if call.channel is not None:
        return call.channel
    req = call.request
    return call.env.store.ensure_channel(req.platform, req.destination, call.env.timezone)


@command("subscribe", changes="what.subscriptions")
def subscribe(call: Call) -> Reply:
    """subscribe <topic | @entity> [instant|digest]

    Follow a topic or an entity in this channel, in the digest (default) or instantly.
    """
    words = call.args.split()
    if not 1 <= len(words) <= 2:
        raise usage_error(subscribe)
    target, name = target_of(call, words[0])
    mode = words[1].lower() if len(words) == 2 else "digest"
    if mode not in MODES:
        raise CommandError("bad_mode", mode=words[1][:20])
    channel = _channel(call)
    outcome = call.env.store.subscribe(channel.id, target, cast(DeliveryMode, mode))
    key = {"added": "subscribed", "changed": "subscribed.changed"}.get(outcome, "subscribed.same")
    return call.reply(key, name=name, mode=mode)


@command("unsubscribe", changes="what.subscriptions")
def unsubscribe(call: Call) -> Reply:
    """unsubscribe <topic | @entity | all>

    Stop following a topic or entity here; `all` asks before removing everything.
    """
    words = call.args.split()
    if not words or len(words) > 2:
        raise usage_error(unsubscribe)
    store = call.env.store
    if words[0].lower() == "all":
        count = len(call.channel.subscriptions) if call.channel else 0
        if count == 0:
            return call.reply("list.none")
        if words[1:] != ["--yes"]:
            return Reply(
                call.t("confirm.unsubscribe_all", count=count),
                buttons=(
                    Button(call.t("button.yes"), "unsubscribe all --yes"),
                    Button(call.t("button.cancel"), "cancel"),
                ),
            )
        assert call.channel is not None
        return call.reply("unsubscribed.all", count=store.unsubscribe(call.channel.id, None))
    target, name = target_of(call, words[0])
    if call.channel is None or not store.unsubscribe(call.channel.id, target):
        return Reply(call.t("unsubscribed.none", name=name), ok=False)
    return call.reply("unsubscribed", name=name)


@command("cancel", hidden=True)
def cancel(call: Call) -> Reply:
    """cancel

    Answer to a confirmation: change nothing.
    """
    return call.reply("cancelled")


@command("list")
def list_(call: Call) -> Reply:
    """list

    This channel's subscriptions, their delivery mode, and the digest schedule.
    """
    channel = call.channel
    if channel is None or not channel.subscriptions:
        return call.reply("list.none")
    lines = [call.t("list.header")]
    lines += [f"• {display(call, s.target)} — {s.mode}" for s in channel.subscriptions]
    values = {"mode": channel.mode, "language": channel.language}
    if channel.mode == "instant":
        lines.append(call.t("list.digest_off", **values))
    else:
        lines.append(
            call.t("list.settings", schedule=channel.schedule, timezone=channel.timezone, **values)
        )
    return Reply("\n".join(lines))


@command("schedule", changes="what.schedule")
def schedule(call: Call) -> Reply:
    """schedule <cron | hourly | daily HH:MM | off>

    When this channel's digest goes out, in the channel's timezone; `off` stops digests.
    An instant-only channel keeps its mode unless `--digests` turns its digests on.
    """
    words = call.args.split()
    digests_on = "--digests" in words
    args = " ".join(w for w in words if w != "--digests")
    if not args:
        raise usage_error(schedule)
    cron = parse.schedule(args)
    channel = _channel(call)
    call.env.store.set_schedule(channel.id, cron, digests_on)
    if cron is None:
        return call.reply("schedule.off")
    if channel.mode == "instant":
        key = "schedule.set_both" if digests_on else "schedule.set_instant"
        return call.reply(key, schedule=cron, timezone=channel.timezone)
    return call.reply("schedule.set", schedule=cron, timezone=channel.timezone)


@command("mute", changes="what.settings")
def mute(call: Call) -> Reply:
    """mute <story>

    Never show this story (its number from a digest) in this channel again.
    """
    if not call.args:
        raise usage_error(mute)
    story_id = parse.story_id(call.args)
    if call.env.store.story(story_id) is None:
        raise CommandError("story.unknown", id=story_id)
    channel = _channel(call)
    new = call.env.store.mute(channel.id, story_id)
    return call.reply("muted" if new else "muted.same", id=story_id)


@command("language", changes="what.settings")
def language(call: Call) -> Reply:
    """language <en | ar | fa | ru>

    The language of the bot's own words in this channel.
    """
    value = call.args.strip().lower()
    if value not in LANGUAGES:
        raise CommandError("language.bad")
    channel = _channel(call)
    call.env.store.set_language(channel.id, value)
    return Reply(directed(text(value, "language.set"), value, ltr_marks=True))


@command("digest", changes="what.digest")
async def digest(call: Call) -> Reply:
    """digest

    Send this channel's digest now, with what is new since the last one.
    """
    if call.env.digest_now is None:
        return Reply(call.t("digest.unavailable"), ok=False)
    if call.channel is None or not call.channel.subscriptions:
        return Reply(call.t("digest.no_channel"), ok=False)
    sent = await call.env.digest_now(call.channel)
    return call.reply("digest.sent", count=sent) if sent else call.reply("digest.none")
