from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.demo.server import DemoSite, config_text

ROOT = Path(__file__).resolve().parent.parent


def test_fetch_once_reports_each_source_and_survives_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with DemoSite(now) as site:
        text = config_text(site.base_url).replace(
            'rules: ["rules/*.yaml"]', f'rules: ["{ROOT}/rules/*.yaml"]'
        )
        text = text.replace(
            "sources:\n", f"sources:\n  - id: gone\n    url: {site.base_url}/nope.rss\n", 1
        )
        config = tmp_path / "newswatch.yaml"
        config.write_text(text, encoding="utf-8")
        args = [
            "fetch",
            "--once",
            "--json",
            "--config",
            str(config),
            "--db",
            str(tmp_path / "n.db"),
        ]
        assert main(args) == 1  # one source failed: the others were stored
        first = json.loads(capsys.readouterr().out)
        assert main(args) == 1
        second = json.loads(capsys.readouterr().out)
    by_source = {r["source"]: r for r in first}
    assert by_source["gone"]["status"] == "error" and "404" in by_source["gone"]["error"]
    assert all(r["status"] == "new" and r["new"] > 0 for s, r in by_source.items() if s != "gone")
    assert {r["status"] for r in second if r["source"] != "gone"} == {"unchanged"}


def test_fetch_with_invalid_config_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text("fetch:\n  concurrency: lots\n", encoding="utf-8")
    assert main(["fetch", "--once", "--config", str(config), "--db", str(tmp_path / "n.db")]) == 2
    err = capsys.readouterr().err
    assert f"{config}:2:" in err and "fetch.concurrency" in err
    assert not (tmp_path / "n.db").exists()
