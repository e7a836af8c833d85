"""One source of truth (issue 15 item 3): `fetch --once`, `sources list/export` and the
daemon's reader all see the configured sources and those added to the database, and a
person's pause of a configured source outlives a re-read of the file and a restart.
Real CLI main() on a real SQLite file, feeds served on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import open_store
from tests.loopback import LoopbackServer
from tests.sources.truthsite import site, write_config, write_opml


@pytest.fixture
def served() -> Iterator[LoopbackServer]:
    with site() as server:
        yield server


def _stored(db: Path) -> dict[str, int]:
    store = open_store(db)
    try:
        return {h.id: h.articles_stored for h in store.source_health()}
    finally:
        store.close()


def _fetch(config: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    assert main(["fetch", "--once", "--json", "--config", str(config)]) == 0
    return {r["source"]: r for r in json.loads(capsys.readouterr().out)}


def test_fetch_once_fetches_the_sources_an_opml_import_added(
    tmp_path: Path, served: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, served.base)
    opml = write_opml(tmp_path, served.base)
    assert main(["sources", "import", str(opml), "--config", str(config)]) == 0
    imported = capsys.readouterr().out.split()[1]  # "added <id>  <url>"
    reports = _fetch(config, capsys)
    assert set(reports) == {"courier", imported}
    assert reports[imported]["status"] == "new" and reports[imported]["new"] == 1
    assert _stored(tmp_path / "nw.db") == {"courier": 2, imported: 1}


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _states(config: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    status, out = _run(["sources", "list", "--json", "--config", str(config)], capsys)
    assert status == 0
    return {r["id"]: r for r in json.loads(out)}


def _configured_and_imported(
    folder: Path, served: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> Path:
    """The courier feed in the file, the salt post's imported from OPML."""
    config = write_config(folder, served.base)
    opml = write_opml(folder, served.base)
    assert _run(["sources", "import", str(opml), "--config", str(config)], capsys)[0] == 0
    return config


def test_a_pause_outlives_a_reread_of_the_file_and_a_restart(
    tmp_path: Path, served: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _configured_and_imported(tmp_path, served, capsys)
    status, out = _run(["sources", "disable", "courier", "--config", str(config)], capsys)
    assert status == 0 and "Paused courier" in out
    state = _states(config, capsys)["courier"]
    assert (
        state["state"] == "paused" and state["paused_by"] == "cli" and state["status"] == "paused"
    )
    assert set(_fetch(config, capsys)) == {s for s in _states(config, capsys) if s != "courier"}
    # the file changes (a new interval) and is read again by every command: still paused
    write_config(tmp_path, served.base, ", interval: 20m")
    assert _states(config, capsys)["courier"]["state"] == "paused"
    assert "courier" not in _fetch(config, capsys)
    status, out = _run(["sources", "disable", "courier", "--config", str(config)], capsys)
    assert status == 0 and "already paused (cli," in out
    status, out = _run(["sources", "enable", "courier", "--config", str(config)], capsys)
    assert status == 0 and "Resumed courier" in out
    assert _fetch(config, capsys)["courier"]["new"] == 2


def test_the_file_disables_and_a_person_pauses_apart(
    tmp_path: Path, served: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """`enabled: false` in the file stops a source whatever a person says; a person's pause
    is not lifted by the file saying (or defaulting to) `enabled: true`."""
    config = write_config(tmp_path, served.base, ", enabled: false")
    status, out = _run(["sources", "enable", "courier", "--config", str(config)], capsys)
    assert status == 1 and "courier is disabled by the configuration file" in out
    assert _states(config, capsys)["courier"]["state"] == "disabled"
    assert _run(["sources", "pause", "courier", "--config", str(config)], capsys)[0] == 0
    write_config(tmp_path, served.base, ", enabled: true")
    assert _states(config, capsys)["courier"]["state"] == "paused"
    assert _fetch(config, capsys) == {}


def test_remove_refuses_configured_sources_and_suggests_close_ids(
    tmp_path: Path, served: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _configured_and_imported(tmp_path, served, capsys)
    imported = next(s for s in _states(config, capsys) if s != "courier")
    status, out = _run(["sources", "remove", "courier", "--config", str(config)], capsys)
    assert status == 1 and "courier comes from the configuration file: remove it there" in out
    status, out = _run(["sources", "remove", "couriier", "--config", str(config)], capsys)
    assert status == 2 and "No source 'couriier'. Did you mean courier?" in out
    status, out = _run(["sources", "pause", "nothing-like-it", "--config", str(config)], capsys)
    assert status == 2 and "No source 'nothing-like-it' (2 known" in out
    status, out = _run(
        ["sources", "remove", f"{served.base}/saltpost.xml", "--config", str(config)], capsys
    )
    assert status == 0 and f"Removed {imported} ({served.base}/saltpost.xml)" in out
    assert set(_states(config, capsys)) == {"courier"}
    assert set(_fetch(config, capsys)) == {"courier"}
    assert _stored(tmp_path / "nw.db") == {"courier": 2}


def test_add_reads_what_the_address_serves(
    tmp_path: Path, served: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, served.base)
    base = served.base
    add = ["sources", "add", "--config", str(config)]
    status, out = _run([*add, f"{base}/saltpost.xml", "--name", "Salt Flats Post"], capsys)
    assert status == 0
    assert f"Added 127-0-0-1: feed at {base}/saltpost.xml (items listed now: 1)" in out
    status, out = _run([*add, f"{base}/front.html"], capsys)
    assert status == 1 and f"{base}/front.html offers nothing to follow: no feed" in out
    status, out = _run([*add, f"{base}/missing.xml"], capsys)
    assert status == 1 and f"{base}/missing.xml: cannot add it" in out and "404" in out
    status, out = _run([*add, f"{base}/courier.xml", "--id", "again"], capsys)
    assert status == 1 and f"{base}/courier.xml is already a source: courier" in out
    status, out = _run([*add, "ftp://example.org/feed"], capsys)
    assert status == 2 and "'ftp://example.org/feed' is not an http(s) address" in out
    status, out = _run([*add, f"{base}/saltpost.xml?x=1", "--id", "bad id"], capsys)
    assert status == 2 and "'bad id' cannot be a source id" in out
    state = _states(config, capsys)["127-0-0-1"]
    assert state["origin"] == "cli" and state["state"] == "running"
    assert _fetch(config, capsys)["127-0-0-1"]["new"] == 1
    status, out = _run(["sources", "export", "--config", str(config)], capsys)
    assert f'xmlUrl="{base}/saltpost.xml"' in out and 'text="Salt Flats Post"' in out
