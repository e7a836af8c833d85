"""Pausing and resuming a source from the web page and the API: the decision is the CLI's and
the chat's (bot.core.commands.sourcebook), so a pause from here is the same stored pause,
kept across re-reads of the configuration and restarts, shown by `sources list` and lifted
by `sources enable` as well. Changes need a writable server and the token, even on loopback
(as a channel's pause does)."""

from __future__ import annotations

from aiohttp import web

from bot.core.commands import sourcebook
from bot.core.commands.sourcebook import SourceProblem
from bot.models import SourceHealth
from bot.web import present
from bot.web.context import authed, deps, json_error, json_ok, render
from bot.web.reads import Refused

WHO = "web"


def set_source_paused(request: web.Request) -> SourceHealth:
    """Pause or resume the source named in the path; Refused says why not."""
    d = deps(request)
    ident, action = request.match_info["id"], request.match_info["action"]
    if not d.writable:
        raise Refused("this server is read-only (newswatch web --writable, or the daemon's)")
    if not authed(request):
        raise Refused("changing a source needs NEWSWATCH_WEB_TOKEN (log in first)")
    try:
        if action == "pause":
            entry, _ = sourcebook.pause(d.store, ident, WHO, d.now())
        else:
            entry, _ = sourcebook.resume(d.store, ident)
    except SourceProblem as exc:
        raise Refused(str(exc), 404 if exc.usage else 409) from None
    return next(h for h in d.store.source_health() if h.id == entry.source.id)


async def page_action(request: web.Request) -> web.Response:
    try:
        set_source_paused(request)
    except Refused as exc:
        return render(request, "error.html", status=exc.status, message=str(exc))
    return web.Response(status=303, headers={"Location": "/sources"})


async def api_action(request: web.Request) -> web.Response:
    try:
        health = set_source_paused(request)
    except Refused as exc:
        return json_error(exc.status, str(exc))
    return json_ok(present.source_json(health))
