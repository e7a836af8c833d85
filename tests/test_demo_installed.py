"""`newswatch demo` runs from any folder, and from a plain (non-editable) install: its rules
ship inside the package (bot/demo/rules, declared as package data in pyproject.toml)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run(cwd: Path, *argv: str, pythonpath: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return subprocess.run(
        [sys.executable, *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_demo_runs_outside_the_repository(tmp_path: Path) -> None:
    done = _run(tmp_path, "-m", "bot", "demo")
    assert done.returncode == 0, done.stderr
    assert "===== digest for channel 'analysts'" in done.stdout
    assert "rules: 27 entities, 9 topics" in done.stdout
    # the outlet's missing page is said once, on its source's line, not in a log record too
    assert "1 page error, stored on the feed text" in done.stdout
    assert "page failed" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # and leaves nothing behind


def test_demo_runs_from_a_plain_install(tmp_path: Path) -> None:
    """What `pip install newswatch` gives: the wheel built from the package data alone."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "bot", source / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "installed"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target"]
    installed = subprocess.run(
        [*pip, str(target), str(source)], capture_output=True, text=True, timeout=600, check=False
    )
    assert installed.returncode == 0, installed.stderr
    assert sorted(p.name for p in (target / "bot/demo/rules").iterdir()) == sorted(
        p.name for p in (REPO / "bot/demo/rules").glob("*.yaml")
    )
    away = tmp_path / "elsewhere"
    away.mkdir()
    where = _run(away, "-c", "import bot; print(bot.__file__)", pythonpath=str(target))
    assert where.stdout.strip() == str(target / "bot" / "__init__.py")
    done = _run(away, "-m", "bot", "demo", pythonpath=str(target))
    assert done.returncode == 0, done.stderr
    assert "===== digest for channel 'sanctions-desk'" in done.stdout
