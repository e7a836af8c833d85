from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import Store
from bot.web.deps import WebDeps
from tests.web.site import build_demo_db, demo_deps, serve


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    os.environ.pop("NEWSWATCH_WEB_TOKEN", None)
    return build_demo_db(tmp_path_factory.mktemp("web") / "demo.db")


@pytest.fixture(scope="module")
def site(demo_db: Path) -> Iterator[tuple[str, Store, WebDeps]]:
    """The web app over the demo database, from loopback, token set, writable."""
    store, deps = demo_deps(demo_db)
    with serve(deps) as base:
        yield base, store, deps
    store.close()
