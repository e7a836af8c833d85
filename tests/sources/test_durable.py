"""Nothing a source offers is silently lost: the fetch cycle end to end (real CLI, real SQLite
file, the misbehaving loopback server).

- items past the per-poll page budget wait in the database and are read at later polls even
  when the feed answers 304;
- a page that fails for a passing reason is tried again, and after MAX_TRIES the item is
  stored on its feed text; every failure shows in `fetch --json` and `sources list`;
- an item whose GUID changed but whose link did not is the same article;
- a listing that yields nothing is a warning, not a silent "unchanged".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.sources.itempages import MAX_TRIES, PAGE_BUDGET
from bot.store import open_store
from tests.servers.misbehaving import MisbehavingServer


def _config(tmp_path: Path, server: MisbehavingServer, sources: dict[str, str]) -> Path:
    lines = [f"  - {{id: {sid}, url: '{server.url(path)}'}}" for sid, path in sources.items()]
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        "database: nw.db\nrules: []\n"
        "fetch: {allow_private: true, read_timeout: 2}\n"
        "sources:\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return path


def _fetch(config: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    assert main(["fetch", "--once", "--json", "--config", str(config)]) == 0
    rows = json.loads(capsys.readouterr().out)
    return {str(r["source"]): r for r in rows}


def _list(config: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    assert main(["sources", "list", "--json", "--config", str(config)]) == 0
    return {str(r["id"]): r for r in json.loads(capsys.readouterr().out)}


def _stored(config: Path) -> int:
    store = open_store(config.parent / "nw.db")
    try:
        return store.article_count()
    finally:
        store.close()


def test_sixty_thin_items_over_polls_answering_304_are_all_stored(
    tmp_path: Path, server: MisbehavingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, server, {"thin": "/thin/60"})
    first = _fetch(config, capsys)["thin"]
    assert (first["new"], first["waiting"]) == (PAGE_BUDGET, 60 - PAGE_BUDGET)
    assert _list(config, capsys)["thin"]["waiting"] == 60 - PAGE_BUDGET
    second = _fetch(config, capsys)["thin"]
    assert server.hits["/thin/60"] == 2  # the second poll was a 304 ...
    assert (second["status"], second["new"], second["waiting"]) == ("new", 20, 0)  # ... all read
    assert _stored(config) == 60
    third = _fetch(config, capsys)["thin"]
    assert (third["status"], third["new"]) == ("unchanged", 0)
    assert sum(n for path, n in server.hits.items() if path.startswith("/world/thin-")) == 60


def test_failing_pages_are_retried_then_kept_on_feed_text_and_shown(
    tmp_path: Path, server: MisbehavingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, server, {"mixed": "/mixed"})
    first = _fetch(config, capsys)["mixed"]
    # 404 is for good: stored on its feed text now; the two 503s wait.
    assert (first["new"], first["waiting"], first["page_errors"]) == (1, 2, 3)
    listed = _list(config, capsys)["mixed"]
    assert listed["page_errors"] == 3 and "HTTP 404" in str(listed["last_page_error"])
    second = _fetch(config, capsys)["mixed"]  # 304; /flaky/a answers now
    assert (second["new"], second["waiting"], second["page_errors"]) == (1, 1, 1)
    for _ in range(MAX_TRIES - 3):  # polls between the second and the last try
        _fetch(config, capsys)
    last = _fetch(config, capsys)["mixed"]
    assert (last["new"], last["waiting"]) == (1, 0)
    assert f"gave up after {MAX_TRIES} tries" in str(last["last_page_error"])
    assert server.hits["/status/503"] == MAX_TRIES
    assert _stored(config) == 3
    store = open_store(config.parent / "nw.db")
    texts = {a.title: a.text for a in store.articles(range(1, 4))}
    store.close()
    assert texts["Page always down"] == "A teaser."
    assert texts["Flaky page"].startswith("This report, filed under Flaky a")


def test_a_guid_flip_is_the_same_article(
    tmp_path: Path, server: MisbehavingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, server, {"flip": "/flip"})
    assert _fetch(config, capsys)["flip"]["new"] == 2
    again = _fetch(config, capsys)["flip"]  # same links, GUIDs now ...#1
    assert (again["status"], again["new"]) == ("unchanged", 0)
    assert _stored(config) == 2
    assert server.hits["/world/flip-1"] == 1  # not even its page fetched again


def test_an_automatic_listing_stores_every_article_and_an_empty_one_warns(
    tmp_path: Path, server: MisbehavingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        "database: nw.db\nrules: []\nfetch: {allow_private: true, read_timeout: 2}\nsources:\n"
        f"  - {{id: tern, kind: html, url: '{server.url('/f/listing_structured.html')}'}}\n"
        f"  - {{id: empty, kind: html, url: '{server.url('/f/listing_empty.html')}'}}\n"
        f"  - {{id: wrong, kind: html, url: '{server.url('/f/listing_structured.html')}',"
        " selector: 'ul.gone a'}\n",
        encoding="utf-8",
    )
    first = _fetch(path, capsys)
    assert (first["tern"]["new"], first["tern"]["warning"]) == (7, None)
    assert first["empty"]["warning"] == "no article links found on the listing"
    assert first["wrong"]["warning"] == "selector 'ul.gone a' matched nothing"
    second = _fetch(path, capsys)  # 304 for all: the warnings stand
    assert second["empty"]["warning"] == "no article links found on the listing"
    listed = _list(path, capsys)
    assert listed["empty"]["status"] == "WARNING" and listed["tern"]["status"] == "ok"
    assert listed["wrong"]["warning"] == "selector 'ul.gone a' matched nothing"
    assert main(["sources", "list", "--config", str(path)]) == 0
    assert "warning: no article links found on the listing" in capsys.readouterr().out
    assert _stored(path) == 7


def test_one_article_in_two_feeds_of_one_site_is_one_outlet(
    tmp_path: Path, server: MisbehavingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(
        tmp_path, server, {"tern": "/f/feed_main.xml", "tern-ports": "/f/feed_section.xml"}
    )
    _fetch(config, capsys)
    assert main(["stories", "--json", "--config", str(config)]) == 0
    (story,) = json.loads(capsys.readouterr().out)
    (outlet,) = story["outlets"]  # the link once, tracking parameters gone
    assert outlet["url"] == server.url("/world/channel-plan-311")
    assert sorted(outlet["name"].split(", ")) == ["tern", "tern-ports"]  # both sources named
