from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.daemon.harness import DATA, Outlets, RecordingTelegram


@pytest.fixture
def outlets() -> Iterator[Outlets]:
    with Outlets() as served:
        yield served


@pytest.fixture
def telegram() -> Iterator[RecordingTelegram]:
    fake = RecordingTelegram()
    with fake:
        yield fake


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The configuration's folder, with the test rules beside it."""
    for name in ("rules.yaml", "rules_v1.yaml", "rules_v2.yaml", "rules_broken.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path
