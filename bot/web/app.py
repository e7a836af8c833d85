"""The routes and the guard in front of them; `create_app` for `newswatch web`, `install`
to add the same to another aiohttp application (the daemon's health server).

Every route here is named `web:...`; the guard middleware looks only at those, so the
health server's /healthz, /readyz and /metrics answer as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from bot.web import api, feeds, pages, sourceactions
from bot.web.context import AUTHED, CSRF, DEPS, GUARD, TEMPLATES, json_error, render, templates
from bot.web.deps import WebDeps
from bot.web.security import (
    CSRF_COOKIE,
    SECURITY_HEADERS,
    SESSION_COOKIE,
    Guard,
    new_csrf_cookie,
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PUBLIC = {"web:login", "web:login-post", "web:style"}  # reachable before logging in
STYLE = resources.files("bot.web").joinpath("static/style.css").read_bytes()

ROUTES: list[tuple[str, str, Handler, str]] = [
    ("GET", "/", pages.stories, "stories"),
    ("GET", r"/stories/{id:\d{1,12}}", pages.story, "story"),
    ("GET", "/search", pages.search, "search"),
    ("GET", "/sources", pages.sources, "sources"),
    ("POST", "/sources/{id}/{action:pause|resume}", sourceactions.page_action, "source-action"),
    ("GET", "/rules", pages.rules, "rules"),
    ("POST", "/rules/test", pages.rules_test, "rules-test"),
    ("GET", "/rules/{kind:topic|entity}/{id}", pages.rule, "rule"),
    ("GET", "/channels", pages.channels, "channels"),
    ("POST", "/channels/{id}/{action:pause|resume}", pages.channel_action, "channel-action"),
    ("GET", "/login", pages.login_form, "login"),
    ("POST", "/login", pages.login, "login-post"),
    ("POST", "/logout", pages.logout, "logout"),
    ("GET", "/api/stories", api.stories, "api-stories"),
    ("GET", r"/api/stories/{id:\d{1,12}}", api.story, "api-story"),
    ("GET", "/api/search", api.search, "api-search"),
    ("GET", "/api/sources", api.sources, "api-sources"),
    ("POST", "/api/sources/{id}/{action:pause|resume}", sourceactions.api_action, "api-source"),
    ("GET", "/api/channels", api.channels, "api-channels"),
    ("POST", "/api/channels/{id}/{action:pause|resume}", api.channel_action, "api-channel"),
    ("GET", "/api/rules", api.rules, "api-rules"),
    ("POST", "/api/rules/test", api.rules_test, "api-rules-test"),
    ("GET", "/feeds/{file}", feeds.channel_feed, "feed"),
]


async def _style(request: web.Request) -> web.Response:
    return web.Response(
        body=STYLE,
        content_type="text/css",
        charset="utf-8",
        headers={"Cache-Control": "max-age=3600"},
    )


def _machine(request: web.Request) -> bool:
    return request.path.startswith(("/api/", "/feeds/"))


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.host


async def _post_refusal(request: web.Request, guard: Guard) -> str | None:
    """Why a POST is refused (cross-site, no CSRF token), or None."""
    if _machine(request):
        if guard.bearer_ok(request.headers.get("Authorization")):
            return None
        if request.content_type != "application/json":
            return "POST to the API with Content-Type: application/json (or a bearer token)"
        return None if _same_origin(request) else "cross-origin request refused"
    if not _same_origin(request):
        return "cross-origin form refused"
    form = await request.post()
    token = form.get("csrf")
    given = token if isinstance(token, str) else None
    if not guard.csrf_ok(request.cookies.get(CSRF_COOKIE), given):
        return "the form has expired or did not come from this site: reload the page and retry"
    return None


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    guard, d = request.app[GUARD], request.app[DEPS]
    authed = guard.bearer_ok(request.headers.get("Authorization")) or guard.session_ok(
        request.cookies.get(SESSION_COOKIE)
    )
    request[AUTHED] = authed
    route = request.match_info.route.name or ""
    if route not in PUBLIC and not (authed or d.is_local(request.remote)):
        if _machine(request):
            response = json_error(401, "this address needs the token: Authorization: Bearer ...")
            response.headers["WWW-Authenticate"] = 'Bearer realm="newswatch"'
            return response
        target = "/login?" + urlencode({"next": request.path_qs})
        return web.Response(status=303, headers={"Location": target})
    if request.method == "POST":
        refusal = await _post_refusal(request, guard)
        if refusal is not None:
            if _machine(request):
                return json_error(403, refusal)
            return render(request, "error.html", status=403, message=refusal)
    return await handler(request)


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Access, CSRF and security headers for the web routes; other routes pass untouched."""
    route = request.match_info.route.name
    if not route or not route.startswith("web:"):
        return await handler(request)
    cookie = request.cookies.get(CSRF_COOKIE)
    fresh = None if cookie else new_csrf_cookie()
    request[CSRF] = request.app[GUARD].csrf_for(cookie or fresh or "")
    response = await _answer(request, handler)
    response.headers.update(SECURITY_HEADERS)
    response.headers.setdefault("Cache-Control", "no-store")
    if fresh is not None:
        response.set_cookie(
            CSRF_COOKIE, fresh, httponly=True, samesite="Strict", secure=request.secure, path="/"
        )
    return response


def install(app: web.Application, deps: WebDeps) -> None:
    """Add the pages, API and feeds (and their guard) to `app` before it starts."""
    app[DEPS] = deps
    app[GUARD] = Guard(deps.token)
    app[TEMPLATES] = templates()
    app.middlewares.append(guard)
    for method, path, handler, name in ROUTES:
        app.router.add_route(method, path, handler, name=f"web:{name}")
    app.router.add_get("/static/style.css", _style, name="web:style")


def create_app(deps: WebDeps) -> web.Application:
    app = web.Application(client_max_size=1_000_000)
    install(app, deps)
    return app
