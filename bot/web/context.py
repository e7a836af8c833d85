"""What every handler shares: the app keys, rendering a template, JSON answers, the
read helpers that pages and API both use."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jinja2
from aiohttp import web

from bot.core.commands.base import Env
from bot.core.rules import RuleSet
from bot.models import StoryFilter
from bot.web import present
from bot.web.deps import WebDeps
from bot.web.security import Guard

DEPS = web.AppKey("newswatch_web_deps", WebDeps)
GUARD = web.AppKey("newswatch_web_guard", Guard)
TEMPLATES = web.AppKey("newswatch_web_templates", jinja2.Environment)
AUTHED = web.RequestKey("newswatch_web_authed", bool)  # the token came (bearer or cookie)
CSRF = web.RequestKey("newswatch_web_csrf", str)  # the CSRF token this page's forms carry
MAX_LIMIT = 500


def templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["inert"] = present.inert
    env.filters["line"] = present.line
    env.filters["link"] = present.link
    env.filters["ago"] = _stamp
    env.filters["outlet_links"] = present.outlet_links
    return env


def _stamp(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M UTC") if dt else "never"


def deps(request: web.Request) -> WebDeps:
    return request.app[DEPS]


def authed(request: web.Request) -> bool:
    return bool(request.get(AUTHED))


def env_of(d: WebDeps) -> Env:
    """The command layer's view of the same collaborators (search shares its code)."""
    return Env(store=d.store, rules=d.rules, matcher=d.matcher)


def render(request: web.Request, name: str, status: int = 200, **values: Any) -> web.Response:
    d = deps(request)
    page = (
        request.app[TEMPLATES]
        .get_template(name)
        .render(
            csrf=request.get(CSRF, ""),
            authed=authed(request),
            token_set=request.app[GUARD].token is not None,
            writable=d.writable,
            path=request.path,
            **values,
        )
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")


def json_ok(data: Any, status: int = 200) -> web.Response:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return web.Response(text=body, status=status, content_type="application/json", charset="utf-8")


def json_error(status: int, message: str, **extra: Any) -> web.Response:
    return json_ok({"error": message, **extra}, status)


class BadParameter(ValueError):
    """A query parameter that cannot be used; the message names it."""


def number(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadParameter(f"{name}: expected a whole number from {low} to {high}, got {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class StoryQuery:
    """The stories filter as the page and the API read it from the query string."""

    filter: StoryFilter
    since_text: str
    page: int
    limit: int

    def params(self) -> dict[str, str]:
        f = self.filter
        values = {
            "topic": f.topic,
            "entity": f.entity,
            "lang": f.lang,
            "source": f.source,
            "since": self.since_text,
        }
        return {k: v for k, v in values.items() if v}


def story_query(request: web.Request, default_limit: int) -> StoryQuery:
    q = request.query

    def text(name: str) -> str | None:
        value = q.get(name, "").strip()
        return value[:200] if value else None

    since_text = (q.get("since") or "").strip()
    since: datetime | None = None
    if since_text:
        span = present.parse_since(since_text)
        if span is None:
            raise BadParameter(
                f"since: expected a duration such as 90m, 24h or 7d, got {since_text!r}"
            )
        since = deps(request).now() - span
    f = StoryFilter(
        topic=text("topic"),
        entity=(text("entity") or "").removeprefix("@") or None,
        lang=text("lang"),
        source=text("source"),
        since=since,
    )
    limit = number(request, "limit", default_limit, 1, MAX_LIMIT)
    return StoryQuery(f, since_text, number(request, "page", 1, 1, 10_000), limit)


def names(rules: RuleSet, language: str | None = None) -> dict[str, str]:
    """Display names: topic id → name, "@" + entity id → name; in `language` where the rules
    give one (else the first given)."""
    lang = language or ""
    out = {tid: t.name_in(lang) for tid, t in rules.topics.items()}
    out.update({"@" + eid: e.name_in(lang) for eid, e in rules.entities.items()})
    return out


def trend_window(d: WebDeps) -> tuple[datetime, int]:
    hours = d.trend_days * 24
    return d.now() - timedelta(hours=hours), hours
