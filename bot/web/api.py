"""The JSON API under /api/ (documented in docs/api.md): the same data as the pages, in the
CLI's JSON conventions (ISO 8601 times in UTC, text as stored, errors as {"error": ...})."""

from __future__ import annotations

import json

from aiohttp import web

from bot.core.query import QuerySyntaxError
from bot.web import present, reads
from bot.web.context import BadParameter, deps, json_error, json_ok, number, story_query


async def stories(request: web.Request) -> web.Response:
    try:
        q = story_query(request, 100)
        offset = number(request, "offset", (q.page - 1) * q.limit, 0, 1_000_000)
    except BadParameter as exc:
        return json_error(400, str(exc))
    found = deps(request).store.find_stories(q.filter, q.limit, offset)
    return json_ok([present.story_json(s) for s in found])


async def story(request: web.Request) -> web.Response:
    detail = reads.story_detail(deps(request), int(request.match_info["id"]))
    if detail is None:
        return json_error(404, f"no story {request.match_info['id']}")
    body = present.story_json(detail.story)
    body["articles"] = [
        {**present.article_json(v.article), "text": v.article.text, **present.result_json(v.result)}
        for v in detail.articles
    ]
    return json_ok(body)


async def search(request: web.Request) -> web.Response:
    query = request.query.get("q", "").strip()
    try:
        days = number(request, "days", 30, 1, 3650)
        limit = number(request, "limit", 50, 1, 500)
    except BadParameter as exc:
        return json_error(400, str(exc))
    if not query:
        return json_error(400, 'q: give a query (words, "phrases", AND OR NOT, @entity, #topic)')
    if len(query) > reads.MAX_QUERY:
        return json_error(400, f"q: longer than {reads.MAX_QUERY} characters")
    try:
        found = reads.search(deps(request), query, days, limit)
    except QuerySyntaxError as exc:
        return json_error(400, exc.message, column=exc.position + 1, caret=exc.caret())
    return json_ok([present.article_json(a) for a in found])


async def sources(request: web.Request) -> web.Response:
    found = present.sources_in_order(deps(request).store.source_health())
    return json_ok([present.source_json(s) for s in found])


async def channels(request: web.Request) -> web.Response:
    return json_ok([present.channel_json(c) for c in deps(request).store.channel_states()])


async def rules(request: web.Request) -> web.Response:
    r = deps(request).rules()
    return json_ok(
        {
            "topics": [
                {
                    "id": t.id,
                    "name": t.name,
                    "query": t.query,
                    "priority": t.priority,
                    "description": t.description,
                }
                for t in sorted(r.topics.values(), key=lambda t: t.id)
            ],
            "entities": [
                {
                    "id": e.id,
                    "name": e.name,
                    "kind": e.kind,
                    "aliases": list(e.aliases),
                    "exclude": list(e.exclude),
                    "description": e.description,
                }
                for e in sorted(r.entities.values(), key=lambda e: e.id)
            ],
        }
    )


async def rules_test(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return json_error(400, 'the body must be a JSON object: {"title", "text"} or {"url"}')
    if not isinstance(body, dict) or not all(
        isinstance(body.get(k, ""), str) for k in ("title", "text", "url")
    ):
        return json_error(400, "the body must be a JSON object of strings: title, text, url")
    title, text, url = (body.get(k, "").strip() for k in ("title", "text", "url"))
    try:
        view = await reads.rule_test(request, title, text, url)
    except reads.Refused as exc:
        return json_error(exc.status, str(exc))
    return json_ok({"title": view.article.title, **present.result_json(view.result)})


async def channel_action(request: web.Request) -> web.Response:
    channel_id = request.match_info["id"]
    try:
        reads.set_paused(request, channel_id, request.match_info["action"])
    except reads.Refused as exc:
        return json_error(exc.status, str(exc))
    state = next(s for s in deps(request).store.channel_states() if s.channel.id == channel_id)
    return json_ok(present.channel_json(state))
