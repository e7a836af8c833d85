"""Dispatch: a command line → the command function → a Reply; `help` from docstrings.

A command's docstring is its help: the first line is its usage, the rest one sentence on
what it is for. Commands that change the channel name what they change (`changes=`); the
permission decision is made here, once, from `Request.may_change`.
"""

from __future__ import annotations

import inspect
import logging
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from bot.core.commands.base import CommandError, Env, Request
from bot.core.commands.texts import text
from bot.core.i18n import directed
from bot.core.textsafe import BIDI_CONTROLS
from bot.models import Button, Channel, Language, Reply

log = logging.getLogger(__name__)

MAX_LINE = 1000  # characters of a command line read at all


@dataclass(frozen=True)
class Call:
    """One command invocation: who, where, with what arguments."""

    request: Request
    env: Env
    args: str
    channel: Channel | None
    language: Language

    def t(self, key: str, /, **values: object) -> str:
        return text(self.language, key, **values)

    def reply(self, key: str, /, **values: object) -> Reply:
        return Reply(self.t(key, **values))


Handler = Callable[[Call], Reply | Awaitable[Reply]]


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    changes: str | None  # catalogue key "what.*" of what it changes; None: read-only
    hidden: bool
    admin: bool = False  # only for instance admins (the platform's `admins` list)

    @property
    def usage(self) -> str:
        return (inspect.getdoc(self.handler) or self.name).splitlines()[0]

    @property
    def summary(self) -> str:
        doc = (inspect.getdoc(self.handler) or "").split("\n\n", 1)
        return " ".join(doc[1].split()) if len(doc) > 1 else ""


COMMANDS: dict[str, Command] = {}


H = TypeVar("H", bound=Handler)


def command(
    name: str, changes: str | None = None, hidden: bool = False, admin: bool = False
) -> Callable[[H], H]:
    def register(fn: H) -> H:
        COMMANDS[name] = Command(name, fn, changes, hidden, admin)
        return fn

    return register


def usage_error(handler: Handler) -> CommandError:
    """The refusal that shows a command's usage line."""
    return CommandError("usage", usage=(inspect.getdoc(handler) or "").splitlines()[0])


def visible() -> list[Command]:
    """The commands users are told about, in registration order (for setMyCommands too)."""
    return [c for c in COMMANDS.values() if not c.hidden]


def split_line(line: str) -> tuple[str, str]:
    """`/subscribe@nwbot  iran digest` → ("subscribe", "iran digest"); control and bidi
    override characters become spaces, so a caret under a query still lines up."""
    line = "".join(" " if _unprintable(ch) else ch for ch in line[:MAX_LINE]).strip()
    head, _, rest = line.partition(" ")
    name = head.lstrip("/").split("@", 1)[0].lower()
    return name, rest.strip()


def _unprintable(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" or ord(ch) in BIDI_CONTROLS


def changes(line: str) -> bool:
    """Whether the command line would change the channel (the adapter then checks admin)."""
    cmd = COMMANDS.get(split_line(line)[0])
    return bool(cmd and cmd.changes)


def notice(key: str, request: Request, env: Env) -> Reply:
    """A catalogue text in the chat's language, outside any command (e.g. an old button)."""
    channel = env.store.channel_for(request.platform, request.destination)
    language = channel.language if channel else env.language
    return Reply(directed(text(language, key), language), ok=False)


async def execute(line: str, request: Request, env: Env) -> Reply:
    """Run one command line; every failure becomes a short reply, never an exception."""
    name, args = split_line(line)
    channel = env.store.channel_for(request.platform, request.destination)
    language: Language = channel.language if channel else env.language
    call = Call(request, env, args, channel, language)
    reply = await _run(call, name)
    return replace(reply, text=directed(reply.text, language))


async def _run(call: Call, name: str) -> Reply:
    request, env = call.request, call.env
    if not name:
        return Reply(call.t("empty"), ok=False)
    cmd = COMMANDS.get(name)
    if cmd is None:
        return Reply(call.t("unknown", name=name[:40]), ok=False)
    if cmd.changes and not request.may_change:
        return Reply(call.t("denied", what=call.t(cmd.changes)), ok=False)
    if cmd.admin and not request.instance_admin:
        return Reply(call.t("denied.instance"), ok=False)
    try:
        result = cmd.handler(call)
        reply = await result if inspect.isawaitable(result) else result
    except CommandError as exc:
        return Reply(call.t(exc.key, **exc.values), ok=False)
    except Exception:
        log.exception("command %r failed", name)
        return Reply(call.t("error"), ok=False)
    if cmd.changes:
        _tell_changed(request, env)
    return reply


def _tell_changed(request: Request, env: Env) -> None:
    """Pass the changed channel to whoever listens (the daemon's scheduler); the change is
    stored already, so a listener's failure is logged, not turned into a failed reply."""
    if env.channel_changed is None:
        return
    channel = env.store.channel_for(request.platform, request.destination)
    if channel is None:
        return
    try:
        env.channel_changed(channel)
    except Exception:
        log.exception("acting on the change of channel %s failed", channel.id)


def paged(
    call: Call, header: str, lines: Sequence[str], page: int, per_page: int, action: str
) -> Reply:
    """One page of `lines` with Previous/Next buttons that re-run `action --page N`."""
    pages = max(1, -(-len(lines) // per_page))
    page = min(max(page, 1), pages)
    chunk = lines[(page - 1) * per_page : page * per_page]
    body = [header, *chunk]
    if pages > 1:
        body.append(call.t("page", page=page, pages=pages))
    return Reply("\n".join(body), buttons=page_buttons(call, action, page, page < pages))


def page_buttons(call: Call, action: str, page: int, more: bool) -> tuple[Button, ...]:
    buttons = []
    if page > 1:
        buttons.append(Button(call.t("button.prev"), f"{action} --page {page - 1}".strip()))
    if more:
        buttons.append(Button(call.t("button.next"), f"{action} --page {page + 1}".strip()))
    return tuple(buttons)
