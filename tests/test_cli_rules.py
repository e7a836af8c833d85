"""`newswatch rules check|test`: exit statuses, every error listed, evidence shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

DATA = Path(__file__).parent / "data" / "rules_cli"


def test_check_accepts_good_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check", str(DATA / "rules.yaml")]) == 0
    assert "ok: 1 file, 2 entities, 1 topic" in capsys.readouterr().out


def test_check_accepts_the_example_rules_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check", str(Path(__file__).parent.parent / "rules")]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_check_lists_every_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "entities:\n  x: {name: x, aliases: []}\ntopics:\n  t: {name: t, query: 'a OR'}\n",
        encoding="utf-8",
    )
    missing = tmp_path / "missing.yaml"
    assert main(["rules", "check", str(bad), str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:3: x: `aliases` must list at least one alias" in err
    assert f"{bad}:4:16: t: query syntax: the query ends where a term was expected" in err
    assert "a OR\n    ^" in err
    assert f"{missing}:1:1: cannot read" in err
    assert "3 errors in the rules" in err


def test_check_defaults_to_the_config_globs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "a.yaml").write_text((DATA / "rules.yaml").read_text("utf-8"), "utf-8")
    config = tmp_path / "newswatch.yaml"
    config.write_text('rules: ["r/*.yaml"]\n', encoding="utf-8")
    assert main(["rules", "check", "--config", str(config)]) == 0
    assert "ok: 1 file" in capsys.readouterr().out
    config.write_text('rules: ["none/*.yaml"]\n', encoding="utf-8")
    assert main(["rules", "check", "--config", str(config)]) == 1


def test_test_text_shows_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["rules", "test", str(DATA / "rules.yaml"), "--text", str(DATA / "article.txt")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "lavrov (Sergei Lavrov)" in out
    assert "[[لافروف]]" in out
    assert "[[سلطنة عمان]]" in out
    assert "talks (Talks)" in out and "[[مباحثات]]" in out


def test_test_json(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["rules", "test", str(DATA / "rules.yaml"), "--text", str(DATA / "article.txt")]
    assert main([*args, "--json", "--title", "Lavrov in Oman"]) == 0
    out = json.loads(capsys.readouterr().out)
    ids = {m["id"] for m in out["entities"]}
    assert ids == {"lavrov", "oman"}
    title_ev = [e for m in out["entities"] for e in m["evidence"] if e["field"] == "title"]
    assert {e["surface"] for e in title_ev} == {"Lavrov", "Oman"}


def test_test_html_goes_through_the_extractor(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["rules", "test", str(DATA / "rules.yaml"), "--html", str(DATA / "page.html"), "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert {m["id"] for m in out["entities"]} == {"lavrov", "oman"}
    assert {m["id"] for m in out["topics"]} == {"talks"}


def test_test_unreadable_article(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["rules", "test", str(DATA / "rules.yaml"), "--text", str(tmp_path / "none.txt")]
    assert main(args) == 2
    assert "cannot read" in capsys.readouterr().err
