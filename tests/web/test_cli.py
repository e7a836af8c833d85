"""The done-when check: after `newswatch demo --db d.db`, `newswatch web --db d.db --port N`
(a real process) answers the API and the page; off loopback without a token it will not start."""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.web.site import ROOT

NEWSWATCH = [sys.executable, "-m", "bot"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    return env


def test_web_command_serves_the_demo_database(demo_db: Path) -> None:
    proc = subprocess.Popen(
        [*NEWSWATCH, "web", "--db", str(demo_db), "--port", "0"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        found = re.search(r"serving http://127\.0\.0\.1:(\d+)/ \(read-only\)", first)
        assert found, first + (proc.stderr.read() if proc.stderr else "")
        base = f"http://127.0.0.1:{found.group(1)}"
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
