"""Who may read and change. The peer-address check is tested as a function; the server's
behaviour for a non-loopback peer is tested over real HTTP with the trusted-peer check
configured to trust no one (binding to 127.0.0.2 would still be loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from bot.store import Store
from bot.web.deps import WebDeps
from bot.web.security import Guard, is_loopback, safe_next
from tests.servers.misbehaving import MisbehavingServer
from tests.web.site import TOKEN, demo_deps, serve


@pytest.mark.parametrize(
    ("peer", "local"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.5", False),
        ("192.168.1.20", False),
        ("203.0.113.9", False),
        ("::ffff:10.0.0.5", False),
        ("fe80::1%eth0", False),
        ("", False),
        (None, False),
        ("localhost", False),  # a peer is an address, never a name
    ],
)
def test_loopback_peers(peer: str | None, local: bool) -> None:
    assert is_loopback(peer) is local


def test_session_cookie_and_csrf_tokens() -> None:
    guard = Guard(TOKEN)
    cookie = guard.new_session(now=1_000_000)
    assert guard.session_ok(cookie, now=1_000_100)
    assert not guard.session_ok(cookie, now=1_000_000 + 31 * 24 * 3600)  # expired
    assert not guard.session_ok(cookie.replace(".", ".0"), now=1_000_100)  # tampered
    assert not Guard("another-token-entirely").session_ok(cookie, now=1_000_100)
    assert not Guard(None).session_ok(cookie, now=1_000_100)
    assert guard.bearer_ok(f"Bearer {TOKEN}") and not guard.bearer_ok("Bearer nope")
    assert not Guard(None).bearer_ok("Bearer ")
    assert guard.csrf_ok("c1", guard.csrf_for("c1")) and not guard.csrf_ok(
        "c2", guard.csrf_for("c1")
    )
    assert [
        safe_next(t) for t in ["/rules?x=1", "//evil.example", "https://e.x/", None, "/\\e"]
    ] == [
        "/rules?x=1",
        "/",
        "/",
        "/",
        "/",
    ]


@pytest.fixture(scope="module")
def remote(demo_db: Path) -> Iterator[tuple[str, Store, WebDeps]]:
    """The server as a non-loopback peer sees it: no peer address is trusted."""
    store, deps = demo_deps(demo_db, is_local=lambda peer: False)
    with serve(deps) as base:
        yield base, store, deps
    store.close()


def test_non_loopback_needs_the_token(remote: tuple[str, Store, WebDeps]) -> None:
    base = remote[0]
    refused = httpx.get(base + "/api/stories")
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
    assert httpx.get(base + "/feeds/analysts.xml").status_code == 401
    page = httpx.get(base + "/sources")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fsources"
    wrong = httpx.get(base + "/api/stories", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    ok = httpx.get(base + "/api/stories", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()
    assert httpx.get(base + "/static/style.css").status_code == 200


def test_login_form_sets_a_signed_cookie(remote: tuple[str, Store, WebDeps]) -> None:
    with httpx.Client(base_url=remote[0]) as client:
        form = client.get("/login", params={"next": "/channels"})
        assert form.status_code == 200
        csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
        bad = client.post("/login", data={"token": "guess", "csrf": csrf, "next": "/channels"})
        assert bad.status_code == 403 and "wrong token" in bad.text
        no_csrf = client.post("/login", data={"token": TOKEN, "next": "/channels"})
        assert no_csrf.status_code == 403
        good = client.post("/login", data={"token": TOKEN, "csrf": csrf, "next": "/channels"})
        assert good.status_code == 303 and good.headers["location"] == "/channels"
        assert "httponly" in good.headers["set-cookie"].lower()
        assert client.get("/channels").status_code == 200
        client.cookies.set("nw_session", "1.forged")
        assert client.get("/channels").status_code == 303


def test_changes_need_the_token_even_on_loopback(site: tuple[str, Store, WebDeps]) -> None:
    base, store, _ = site
    anon = httpx.post(base + "/api/channels/analysts/pause", json={})
    assert anon.status_code == 403 and "NEWSWATCH_WEB_TOKEN" in anon.json()["error"]
    url_test = httpx.post(base + "/api/rules/test", json={"url": "http://127.0.0.1:9/x"})
    assert url_test.status_code == 403 and "TOKEN" in url_test.json()["error"]
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    paused = httpx.post(base + "/api/channels/analysts/pause", headers=bearer)
    assert paused.status_code == 200 and paused.json()["paused"] is True
    assert store.pause_state("analysts").paused
    resumed = httpx.post(base + "/api/channels/analysts/resume", headers=bearer)
    assert resumed.json()["paused"] is False and not store.pause_state("analysts").paused


def test_posts_refuse_cross_site_forms(site: tuple[str, Store, WebDeps]) -> None:
    base = site[0]
    simple = httpx.post(base + "/api/rules/test", data={"text": "x"})  # what a form can send
    assert simple.status_code == 403
    foreign = httpx.post(
        base + "/api/rules/test", json={"text": "x"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    no_csrf = httpx.post(base + "/rules/test", data={"text": "Kestrel"})
    assert no_csrf.status_code == 403


def test_url_fetch_obeys_allow_private(site: tuple[str, Store, WebDeps]) -> None:
    """With the token, a URL is fetched by the daemon's fetcher: fetch.allow_private is
    off in this configuration, so a loopback address is refused, not fetched."""
    sent = httpx.post(
        site[0] + "/api/rules/test",
        json={"url": "http://127.0.0.1:9/article"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=20,
    )
    assert sent.status_code == 502
    assert "private" in sent.json()["error"] or "not allowed" in sent.json()["error"]


def test_read_only_server_refuses_changes(demo_db: Path) -> None:
    store, deps = demo_deps(demo_db)
    with serve(replace(deps, writable=False)) as base:
        sent = httpx.post(
            base + "/api/channels/analysts/pause", headers={"Authorization": f"Bearer {TOKEN}"}
        )
    store.close()
    assert sent.status_code == 403 and "read-only" in sent.json()["error"]


def test_url_fetched_when_allow_private_is_on(demo_db: Path) -> None:
    """The same request against a server whose configuration allows private addresses: the
    page is fetched from the loopback fixture server, extracted and matched."""
    store, deps = demo_deps(demo_db, allow_private=True)
    with MisbehavingServer() as pages, serve(deps) as base:
        sent = httpx.post(
            base + "/api/rules/test",
            json={"url": pages.url("/f/page_en.html")},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
    store.close()
    assert sent.status_code == 200, sent.text
    assert sent.json()["title"].startswith("Coastal guard receives first patrol drones")
    assert "drones" in {m["id"] for m in sent.json()["topics"]}
