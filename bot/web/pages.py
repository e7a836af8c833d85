"""The HTML pages: stories, a story, search, sources, rules (and the rule test), channels,
login. Each handler reads its parameters, calls `reads` or the store, renders a template."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from bot.core.headline import in_language
from bot.core.query import QuerySyntaxError
from bot.models import StoryFilter
from bot.web import present, reads
from bot.web.context import (
    GUARD,
    BadParameter,
    deps,
    names,
    number,
    render,
    story_query,
)
from bot.web.security import SESSION_COOKIE, SESSION_SECONDS, safe_next

PER_PAGE = 30


def redirect(target: str) -> web.Response:
    return web.Response(status=303, headers={"Location": target})


def _error(request: web.Request, status: int, message: str) -> web.Response:
    return render(request, "error.html", status=status, message=message)


async def stories(request: web.Request) -> web.Response:
    d = deps(request)
    try:
        q = story_query(request, PER_PAGE)
    except BadParameter as exc:
        return _error(request, 400, str(exc))
    found = d.store.find_stories(q.filter, q.limit + 1, (q.page - 1) * q.limit)
    focus = {("@" + q.filter.entity) if q.filter.entity else "", q.filter.topic or ""} - {""}
    params = q.params()
    more = urlencode({**params, "page": q.page + 1}) if len(found) > q.limit else None
    rules = d.rules()
    lang = q.filter.lang  # stories in a language: their headlines and names in it too
    shown = [in_language(s, lang) for s in found[: q.limit]] if lang else found[: q.limit]
    return render(
        request,
        "stories.html",
        stories=shown,
        q=params,
        names=names(rules, lang),
        topics=sorted(rules.topics.values(), key=lambda t: t.name.lower()),
        entities=sorted(rules.entities.values(), key=lambda e: e.name.lower()),
        sources=present.sources_in_order(d.store.source_health()),
        languages=d.store.story_languages(),
        trends=reads.trends(d, focus or None),
        trend_days=d.trend_days,
        more=more,
    )


async def story(request: web.Request) -> web.Response:
    d = deps(request)
    detail = reads.story_detail(d, int(request.match_info["id"]))
    if detail is None:
        return _error(request, 404, f"no story {request.match_info['id']}")
    return render(request, "story.html", detail=detail, names=names(d.rules()))


async def search(request: web.Request) -> web.Response:
    d = deps(request)
    query = request.query.get("q", "").strip()
    try:
        days = number(request, "days", 30, 1, 3650)
    except BadParameter as exc:
        return _error(request, 400, str(exc))
    values: dict[str, object] = {"query": query, "days": days, "results": None, "problem": None}
    if query:
        if len(query) > reads.MAX_QUERY:
            too_long = f"the query is longer than {reads.MAX_QUERY} characters"
            values["problem"] = {"message": too_long}
        else:
            try:
                values["results"] = reads.search(d, query, days, 100)
            except QuerySyntaxError as exc:
                values["problem"] = {
                    "message": exc.message,
                    "column": exc.position + 1,
                    "caret": present.inert(exc.caret()),
                }
    return render(request, "search.html", status=400 if values["problem"] else 200, **values)


async def sources(request: web.Request) -> web.Response:
    found = present.sources_in_order(deps(request).store.source_health())
    return render(request, "sources.html", sources=found, status_of=present.source_status)


def _rules_page(request: web.Request, status: int = 200, **values: object) -> web.Response:
    d = deps(request)
    rules = d.rules()
    values.setdefault("tested", None)
    values.setdefault("problem", None)
    values.setdefault("form", {"title": "", "text": "", "url": ""})
    return render(
        request,
        "rules.html",
        status=status,
        topics=sorted(rules.topics.values(), key=lambda t: t.id),
        entities=sorted(rules.entities.values(), key=lambda e: e.id),
        names=names(rules),
        can_fetch=d.fetch_page is not None,
        **values,
    )


async def rules(request: web.Request) -> web.Response:
    return _rules_page(request)


async def rules_test(request: web.Request) -> web.Response:
    form = await request.post()
    title, text, url = (str(form.get(k, "")).strip() for k in ("title", "text", "url"))
    values = {"title": title, "text": text, "url": url}
    try:
        tested = await reads.rule_test(request, title, text, url)
    except reads.Refused as exc:
        return _rules_page(request, exc.status, form=values, problem=str(exc))
    return _rules_page(request, form=values, tested=tested)


async def rule(request: web.Request) -> web.Response:
    d = deps(request)
    kind, rule_id = request.match_info["kind"], request.match_info["id"]
    rules = d.rules()
    item = rules.topics.get(rule_id) if kind == "topic" else rules.entities.get(rule_id)
    if item is None:
        return _error(request, 404, f"no {kind} {rule_id!r} in the rules")
    key = ("@" if kind == "entity" else "") + rule_id
    f = StoryFilter(topic=rule_id) if kind == "topic" else StoryFilter(entity=rule_id)
    return render(
        request,
        "rule.html",
        kind=kind,
        item=item,
        key=key,
        trends=reads.trends(d, {key}),
        trend_days=d.trend_days,
        stories=d.store.find_stories(f, 20),
        names=names(rules),
    )


async def channels(request: web.Request) -> web.Response:
    return render(request, "channels.html", channels=deps(request).store.channel_states())


async def channel_action(request: web.Request) -> web.Response:
    try:
        reads.set_paused(request, request.match_info["id"], request.match_info["action"])
    except reads.Refused as exc:
        return _error(request, exc.status, str(exc))
    return redirect("/channels")


async def login_form(request: web.Request) -> web.Response:
    return render(request, "login.html", next=safe_next(request.query.get("next")), problem=None)


async def login(request: web.Request) -> web.Response:
    guard = request.app[GUARD]
    form = await request.post()
    target = safe_next(str(form.get("next", "")))
    if not guard.token_ok(str(form.get("token", ""))):
        problem = "wrong token" if guard.token else "no NEWSWATCH_WEB_TOKEN is set on the server"
        return render(request, "login.html", status=403, next=target, problem=problem)
    response = redirect(target)
    response.set_cookie(
        SESSION_COOKIE,
        guard.new_session(),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=request.secure,
        path="/",
    )
    return response


async def logout(request: web.Request) -> web.Response:
    response = redirect("/")
    response.del_cookie(SESSION_COOKIE, path="/")
    return response
