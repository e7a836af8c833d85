"""The CLI tells the truth: exit status, missing databases, empty rule globs, channel lists."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def newswatch(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A configured folder with the example rules and one source nobody answers."""
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    (tmp_path / "newswatch.yaml").write_text(
        "database: data.db\n"
        "fetch: {allow_private: true, connect_timeout: 2, total_timeout: 5}\n"
        "sources:\n"
        "  - id: nobody\n"
        "    url: http://127.0.0.1:9/feed.xml\n"
        "channels:\n"
        "  - id: desk\n"
        "    platform: console\n"
        "    subscriptions: [drones]\n",
        encoding="utf-8",
    )
    return tmp_path


def test_fetch_exits_1_when_a_source_failed_and_says_it_once(project: Path) -> None:
    done = newswatch(project, "fetch")
    assert done.returncode == 1
    assert done.stdout.count("ConnectError") == 1
    assert done.stdout.startswith("nobody: error:")
    assert "ConnectError" not in done.stderr
    assert "1 of 1 sources failed" in done.stderr


def test_fetch_json_exits_1_too(project: Path) -> None:
    done = newswatch(project, "fetch", "--json")
    assert done.returncode == 1
    assert '"status": "error"' in done.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["stories", "--db", "typo.db"],
        ["sources", "list", "--db", "typo.db"],
        ["sources", "export", "--db", "typo.db"],
        ["digest", "desk", "--db", "typo.db"],
    ],
)
def test_read_only_commands_refuse_a_missing_database(project: Path, argv: list[str]) -> None:
    done = newswatch(project, *argv)
    assert done.returncode == 2
    assert "no database at typo.db" in done.stderr
    assert not (project / "typo.db").exists()


def test_read_only_command_outside_a_configured_folder_creates_nothing(tmp_path: Path) -> None:
    done = newswatch(tmp_path, "stories")
    assert done.returncode == 2
    assert "no configuration file was found" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_fetch_with_rule_globs_matching_nothing_is_an_error(project: Path) -> None:
    shutil.rmtree(project / "rules")
    done = newswatch(project, "fetch")
    assert done.returncode == 2
    assert "no rule file matches rules/*.yaml" in done.stderr
    assert not (project / "data.db").exists()


def test_rules_check_on_a_folder_without_rule_files_fails(project: Path) -> None:
    (project / "site").mkdir()
    done = newswatch(project, "rules", "check", "site")
    assert done.returncode == 1
    assert "site: a folder without rule files" in done.stderr
    assert "ok:" not in done.stdout


def test_digest_for_an_unknown_channel_lists_the_channels(project: Path) -> None:
    newswatch(project, "fetch")  # creates the database; the source's failure does not matter
    done = newswatch(project, "digest", "nosuch")
    assert done.returncode == 2
    assert "no channel 'nosuch'; the channels are: desk" in done.stderr
