"""A configured folder over the demo outlets on loopback, for CLI tests that need stored
sources, articles and stories (tests/test_cli_json.py, tests/test_cli_edges.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot.demo.server import DemoSite, config_text

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def demo_project(home: Path, timezone: str = "UTC") -> Iterator[dict[str, str]]:
    """Paths as text: config, article (a plain-text article), page (a saved HTML page), and
    base, the outlets' address."""
    shutil.copytree(REPO / "bot/demo/rules", home / "rules")
    article = home / "article.txt"
    article.write_text("Drones were launched at the port of an invented city.", encoding="utf-8")
    page = home / "page.html"
    page.write_text(
        "<html><head><title>Harbour report</title></head><body><article><h1>Harbour report"
        "</h1><p>An invented harbour opened a new quay on Monday, the port authority said in"
        " a statement that ran to several long sentences about ships.</p></article></body>"
        "</html>",
        encoding="utf-8",
    )
    with DemoSite(datetime.now(UTC)) as site:
        config = home / "newswatch.yaml"
        text = config_text(site.base_url).replace("timezone: UTC", f"timezone: {timezone}")
        config.write_text("database: nw.db\n" + text, encoding="utf-8")
        yield {
            "config": str(config),
            "article": str(article),
            "page": str(page),
            "base": site.base_url,
        }
