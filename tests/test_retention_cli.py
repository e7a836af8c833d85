"""`newswatch db prune|stats|backup` as a user runs them, and the retention settings refused
when they make no sense (the field named)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, config_from_text
from bot.store import open_store
from bot.store.base import utcnow
from tests.pgcluster import Cluster
from tests.store.retention_world import old_and_new


def _refused(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        config_from_text(text, "newswatch.yaml", Path("."), {})
    return str(caught.value)


def test_retention_settings_that_make_no_sense_are_refused() -> None:
    message = _refused("retention:\n  text_days: 120\n")
    assert "newswatch.yaml:2" in message and "retention.text_days" in message
    assert "more than retention.articles_days (90)" in message
    assert "retention.articles_days" in _refused("retention: {articles_days: 400}\n")
    zero = _refused("retention: {text_days: 0}\n")
    assert "retention.text_days" in zero and "at least 1" in zero
    short = _refused("retention: {text_days: 2}\nstories: {window_hours: 96}\n")
    assert "retention.text_days" in short and "stories.window_hours (96)" in short
    assert "retention.deliveries_days" in _refused("retention: {deliveries_days: 1}\n")
    fine = config_from_text(
        "retention: {text_days: 7, articles_days: 7, stories_days: 30}\n",
        "newswatch.yaml",
        Path("."),
        {},
    )
    assert fine.settings.retention.stories_days == 30


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "newswatch.yaml").write_text("database: nw.db\nrules: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSWATCH_CONFIG", raising=False)
    store = open_store(tmp_path / "nw.db")
    old_and_new(store, utcnow())
    store.close()
    return tmp_path


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(list(argv)) == 0
    value: dict[str, object] = json.loads(capsys.readouterr().out)
    return value


def test_prune_dry_run_then_prune(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    planned = _json(capsys, "db", "prune", "--dry-run", "--json")
    assert planned["dry_run"] is True
    assert planned["removed"] == {
        "stories": 1,
        "articles": 2,
        "articles_text": 0,
        "matches": 0,
        "mutes": 0,
        "deliveries": 0,
        "outbox": 0,
        "pruned_keys": 0,
    }
    assert main(["db", "prune", "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert (
        "nw.db (kept: text 30 days, articles 90, stories 365" in text
        and "nothing removed (--dry-run)" in text
    )
    assert "  stories                  1" in text

    done = _json(capsys, "db", "prune", "--json")
    assert done["removed"] == planned["removed"]
    assert done["vacuum"] == "incremental" and done["switched_to_incremental_vacuum"] is False
    assert isinstance(done["bytes_after"], int) and isinstance(done["seconds"], float)
    again = _json(capsys, "db", "prune", "--json")
    assert again["removed"] == {**planned["removed"], "stories": 0, "articles": 0}

    store = open_store(home / "nw.db")
    try:
        assert store.article_count() == 2
        assert store.known_keys(["ancient-0", "recent-1"]) == {"ancient-0", "recent-1"}
    finally:
        store.close()


def test_stats_and_backup(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stats = _json(capsys, "db", "stats", "--json")
    tables = {t["table"]: t for t in stats["tables"]}  # type: ignore[attr-defined]
    assert tables["articles"]["rows"] == 4 and tables["articles"]["bytes"] > 4 * 1800
    assert tables["stories"]["rows"] == 2 and "articles_fts" in tables
    assert stats["vacuum"] == "incremental"
    assert main(["db", "stats"]) == 0
    assert "articles" in capsys.readouterr().out

    assert main(["db", "backup", "copy.db"]) == 0
    assert "nw.db to copy.db" in capsys.readouterr().out
    copy = open_store(home / "copy.db")
    try:
        assert copy.article_count() == 4
    finally:
        copy.close()
    assert main(["db", "backup", "copy.db"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_backup_on_postgresql_says_pg_dump(
    pg_cluster: Cluster,
    pg_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSWATCH_DATABASE_PASSWORD", pg_cluster.password)
    monkeypatch.chdir(tmp_path)
    assert main(["db", "backup", "x.dump", "--db", pg_url]) == 2
    assert "use pg_dump" in capsys.readouterr().err
    assert not (tmp_path / "x.dump").exists()
    planned = _json(capsys, "db", "prune", "--dry-run", "--json", "--db", pg_url)
    assert planned["vacuum"] == "autovacuum"
    assert main(["db", "prune", "--db", pg_url]) == 0
    assert "autovacuum reuses the freed space" in capsys.readouterr().out
    stats = _json(capsys, "db", "stats", "--json", "--db", pg_url)
    tables = {t["table"]: t for t in stats["tables"]}  # type: ignore[attr-defined]
    assert tables["articles"]["rows"] == 0 and tables["articles"]["bytes"] > 0
    assert "pruned_keys" in tables and stats["vacuum"] == "autovacuum"
