"""Pausing a source from the web page and the API, over real HTTP: the same stored pause as
the CLI's (kept when the configuration is read again, honoured by `fetch --once`, lifted by
`sources enable`), refused without the token or on a read-only server, with the closest ids
for a typo."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.cli import main
from bot.store import Store
from bot.web.deps import WebDeps
from tests.loopback import LoopbackServer
from tests.sources.truthsite import site, write_config, write_opml
from tests.web.site import TOKEN, demo_deps, serve

BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def served() -> Iterator[LoopbackServer]:
    with site() as server:
        yield server


@pytest.fixture
def setup(tmp_path: Path, served: LoopbackServer) -> Iterator[tuple[str, Path, Store, WebDeps]]:
    config = write_config(tmp_path, served.base)
    assert (
        main(["sources", "import", str(write_opml(tmp_path, served.base)), "--config", str(config)])
        == 0
    )
    store, deps = demo_deps(tmp_path / "nw.db")
    with serve(deps) as base:
        yield base, config, store, deps
    store.close()


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(args)
    out = capsys.readouterr()
    return status, out.out + out.err


def test_pause_from_the_api_lasts_and_is_the_clis_pause(
    setup: tuple[str, Path, Store, WebDeps], capsys: pytest.CaptureFixture[str]
) -> None:
    base, config, store, _ = setup
    anon = httpx.post(base + "/api/sources/courier/pause", json={})
    assert anon.status_code == 403 and "NEWSWATCH_WEB_TOKEN" in anon.json()["error"]
    typo = httpx.post(base + "/api/sources/couriir/pause", headers=BEARER)
    assert typo.status_code == 404 and "Did you mean courier?" in typo.json()["error"]
    paused = httpx.post(base + "/api/sources/courier/pause", headers=BEARER)
    assert paused.status_code == 200
    body = paused.json()
    assert (body["id"], body["status"], body["paused_by"]) == ("courier", "paused", "web")
    assert body["paused_at"] is not None
    listed = {s["id"]: s for s in httpx.get(base + "/api/sources").json()}
    assert listed["courier"]["status"] == "paused" and listed["courier"]["origin"] == "config"
    # the configuration is read again (every CLI command does): still paused, not fetched
    status, out = _cli(["sources", "list", "--json", "--config", str(config)], capsys)
    state = {r["id"]: r for r in json.loads(out)}["courier"]
    assert status == 0 and (state["state"], state["paused_by"]) == ("paused", "web")
    status, out = _cli(["fetch", "--once", "--json", "--config", str(config)], capsys)
    assert status == 0 and "courier" not in {r["source"] for r in json.loads(out)}
    resumed = httpx.post(base + "/api/sources/courier/resume", headers=BEARER)
    assert resumed.json()["status"] in ("never", "ok") and resumed.json()["paused_at"] is None
    assert {e.source.id: e for e in store.source_entries()}["courier"].runs


def test_pause_button_on_the_sources_page(setup: tuple[str, Path, Store, WebDeps]) -> None:
    base = setup[0]
    with httpx.Client(base_url=base, headers=BEARER) as client:
        page = client.get("/sources")
        assert page.status_code == 200 and 'action="/sources/courier/pause"' in page.text
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        assert client.post("/sources/courier/pause", data={}).status_code == 403  # no CSRF
        done = client.post("/sources/courier/pause", data={"csrf": csrf})
        assert done.status_code == 303 and done.headers["location"] == "/sources"
        after = client.get("/sources").text
        assert "paused by web" in after and 'action="/sources/courier/resume"' in after
        assert client.post("/sources/courier/resume", data={"csrf": csrf}).status_code == 303


def test_a_read_only_server_refuses(tmp_path: Path, served: LoopbackServer) -> None:
    config = write_config(tmp_path, served.base)
    assert main(["sources", "pause", "courier", "--config", str(config)]) == 0
    store, deps = demo_deps(tmp_path / "nw.db", writable=False)
    try:
        with serve(deps) as base:
            refused = httpx.post(base + "/api/sources/courier/resume", headers=BEARER)
            assert refused.status_code == 403 and "read-only" in refused.json()["error"]
            page = httpx.get(base + "/sources").text
            assert "paused by cli" in page and "/sources/courier/resume" not in page
    finally:
        store.close()
