"""The done-when check: after `newswatch demo --db d.db`, `newswatch web --db d.db --port N`
(a real process) answers the API and the page; off loopback without a token it will not start."""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.roles.procs import wait_until
from tests.web.site import ROOT

NEWSWATCH = [sys.executable, "-m", "bot"]


def _start_web(db: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [*NEWSWATCH, "web", "--db", str(db), "--port", "0"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    found = re.search(r"serving http://127\.0\.0\.1:(\d+)/ \(read-only\)", first)
    if not found:
        proc.kill()  # not left running behind the failure
        _, err = proc.communicate(timeout=10)
        raise AssertionError(first + err)
    return proc, f"http://127.0.0.1:{found.group(1)}"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    return env


def test_web_command_serves_the_demo_database(demo_db: Path) -> None:
    proc, base = _start_web(demo_db)
    try:
        stories = httpx.get(base + "/api/stories", timeout=10).json()
        assert isinstance(stories, list)
        story = next(s for s in stories if len(s["outlets"]) >= 2)
        page = httpx.get(base + "/", timeout=10)
        assert page.status_code == 200 and story["title"] in html.unescape(page.text)
        found_articles = httpx.get(base + "/api/search", params={"q": "@nasirzadeh"}, timeout=10)
        assert found_articles.status_code == 200 and isinstance(found_articles.json(), list)
        assert found_articles.json()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    assert proc.returncode == 0


def test_web_refuses_a_public_address_without_a_token(demo_db: Path) -> None:
    done = subprocess.run(
        [*NEWSWATCH, "web", "--db", str(demo_db), "--host", "0.0.0.0", "--port", "0"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "NEWSWATCH_WEB_TOKEN" in done.stderr


def test_web_follows_rules_made_in_chat_by_another_process(demo_db: Path, tmp_path: Path) -> None:
    """An entity added in chat (here through `newswatch chat`, as the daemon would) reaches a
    running standalone web process within its poll, in the rule list and in search."""
    db = tmp_path / "own.db"
    shutil.copy(demo_db, db)
    proc, base = _start_web(db)
    try:
        ids = [e["id"] for e in httpx.get(base + "/api/rules", timeout=10).json()["entities"]]
        assert "tarvelo" not in ids
        unknown = httpx.get(base + "/api/search", params={"q": "@tarvelo"}, timeout=10)
        assert unknown.status_code == 400, unknown.text
        added = subprocess.run(
            [*NEWSWATCH, "chat", "entity add tarvelo Tarvelo Tarvelo", "--db", str(db)],
            cwd=ROOT,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert added.returncode == 0, added.stdout + added.stderr

        def known() -> bool:
            rules = httpx.get(base + "/api/rules", timeout=10).json()
            return "tarvelo" in [e["id"] for e in rules["entities"]]

        wait_until("the entity made in chat to reach the web process", known, 60, [])
        found = httpx.get(base + "/api/search", params={"q": "@tarvelo"}, timeout=10)
        assert found.status_code == 200, found.text
        assert found.json() == []  # known now; no stored article names it
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    assert proc.returncode == 0
