"""bot/sources is an adapter: it takes typed settings values (bot.settings), never the
configuration loader, and no other adapter; the HTTP client only fetches (parsing is the
parse pool's, bot.sources.parsepool)."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[2] / "bot" / "sources"
FORBIDDEN = ("bot.config", "bot.app", "bot.cli", "bot.store", "bot.chat", "bot.web")
HTTP_PARTS = ("http.py", "addresses.py", "bodies.py", "errors.py", "hostpools.py")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_sources_import_no_configuration_loader_and_no_other_adapter() -> None:
    modules = sorted(SOURCES.glob("*.py"))
    assert len(modules) > 10
    found = {
        f"{path.name}: {name}"
        for path in modules
        for name in imported(path)
        if name.startswith(FORBIDDEN) or name == "bot.config"
    }
    assert found == set()


def test_the_http_client_only_fetches() -> None:
    for name in HTTP_PARTS:
        names = imported(SOURCES / name)
        assert "bot.sources.parsepool" not in names, name
        assert not {"concurrent.futures", "multiprocessing"} & names, name
    assert "concurrent.futures" in imported(SOURCES / "parsepool.py")  # the check can see it
