"""The CLI's rough edges (issue 15 item 10): counts in good English, times in the configured
timezone, a header on `sources list`, options before the command, durations in weeks, no
`--limit 0`, OPML errors placed in the file, and a progress bar only on a terminal."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.lexicon import COMPILED
from tests.cli_project import demo_project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with demo_project(tmp_path_factory.mktemp("edges"), timezone="Asia/Tehran") as paths:
        assert main(["fetch", "--config", paths["config"]]) in (0, 1)
        yield paths


def test_times_are_shown_in_the_configured_timezone(
    project: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["sources", "list", "--config", project["config"]]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["ID", "KIND", "ORIGIN"]
    assert "+0330" in table[1] and "UTC" not in table[1]
    assert main(["stories", "--since", "1w", "--config", project["config"]]) == 0
    out = capsys.readouterr().out
    assert "+0330 – " in out and " UTC" not in out


def test_counts_read_as_english(
    tmp_path: Path, project: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["stories", "--since", "2w", "--config", project["config"]]) == 0
    out = capsys.readouterr().out
    assert "(s)" not in out and "1 articles" not in out and "1 outlets" not in out
    assert main(["digest", "analysts", "--config", project["config"]]) == 0
    assert "message(s)" not in capsys.readouterr().out
    rules = tmp_path / "one.yaml"
    rules.write_text(
        "entities:\n  kestrel:\n    name: Kestrel\n    kind: thing\n    aliases: [Kestrel]\n"
        "topics:\n  birds:\n    name: Birds\n    query: '@kestrel'\n",
        encoding="utf-8",
    )
    assert main(["rules", "check", str(rules)]) == 0
    assert capsys.readouterr().out.strip() == "ok: 1 file, 1 entity, 1 topic"


def test_options_before_the_command(
    project: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--config", project["config"], "stories", "--since", "2w", "--json"]) == 0
    assert capsys.readouterr().out.startswith("[")
    db = str(Path(project["config"]).parent / "nw.db")
    assert main(["--db", db, "stories", "--since", "2w", "--config", project["config"]]) == 0
    capsys.readouterr()
    # a command that reads no configuration says so rather than ignoring it
    assert main(["--config", project["config"], "eval", "somewhere"]) == 2
    assert "takes no --config" in capsys.readouterr().err


def test_durations_and_limits_are_checked_when_parsed(
    project: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    for bad in (["--limit", "0"], ["--limit", "-3"], ["--since", "soon"], ["--since", "0h"]):
        assert main(["stories", *bad, "--config", project["config"]]) == 2, bad
    err = capsys.readouterr().err
    assert "must be at least 1, got 0" in err and "not a duration: 'soon'" in err
    assert main(["rules", "apply", "--since", "2w", "--config", project["config"]]) == 0


def test_malformed_opml_is_placed_in_the_file(
    tmp_path: Path, project: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "feeds.opml"
    bad.write_text('<opml><body>\n<outline xmlUrl="https://a.example/f">\n</body>\n</opml>')
    assert main(["sources", "import", str(bad), "--config", project["config"]]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3:8: not well-formed XML: opening and ending tag mismatch" in err, err
    assert "<string>" not in err


def _on_a_terminal(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal (stdout a pipe): status, stdout, stderr."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
    )
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the child
            break
        if not chunk:
            break
        seen += chunk
    out, _ = child.communicate(timeout=120)
    status = child.returncode
    os.close(leader)
    return status, out, seen.decode("utf-8", errors="replace")


def test_progress_bar_only_on_a_terminal(project: dict[str, str]) -> None:
    home = Path(project["config"]).parent
    status, out, terminal = _on_a_terminal(["fetch", "--config", project["config"]], home)
    assert status in (0, 1)
    assert "fetch [" in terminal and "5/5" in terminal  # drawn on stderr, then wiped
    assert "[" not in out and "\r" not in out  # the report lines are untouched
    status, out, terminal = _on_a_terminal(["fetch", "--json", "--config", project["config"]], home)
    assert "fetch [" not in terminal and out.startswith("[")
    piped = subprocess.run(
        [sys.executable, "-m", "bot", "fetch", "--config", project["config"]],
        cwd=home,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "fetch [" not in piped.stderr and "\r" not in piped.stderr


def test_cli_text_says_counts_with_plural_not_parentheses() -> None:
    """ "1 stories in 1 message(s)" is what bot.cli.output.plural is for."""
    for path in sorted((Path(__file__).parent.parent / "bot/cli").glob("*.py")):
        with path.open("rb") as source:
            for token in tokenize.tokenize(source.readline):
                text = token.string.replace("http(s)", "")
                if token.type == tokenize.STRING and re.search(r"[a-z]\(s\)", text):
                    raise AssertionError(f"bot/cli/{path.name}:{token.start[0]}: use plural()")


def test_version_says_which_chunk_memo_matches(capsys: pytest.CaptureFixture[str]) -> None:
    """The compiled part is optional at install: --version names the memo that runs."""
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("newswatch ")
    memo = "compiled chunk memo" if COMPILED else "pure-Python chunk memo (C part not built)"
    assert f"(matching: {memo})" in out
