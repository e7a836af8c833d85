"""Output piped into a reader that stops early (`newswatch ... | head`) ends quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.cli import BROKEN_PIPE_STATUS


def test_closed_reader_gives_no_traceback(tmp_path: Path) -> None:
    # A page whose extracted text is far larger than any pipe or stdio buffer, so the command
    # is still writing when it learns the reader is gone.
    paragraphs = "".join(
        f"<p>Paragraph {i} of an invented report, long enough to fill a pipe.</p>"
        for i in range(3000)
    )
    page = tmp_path / "long.html"
    page.write_text(
        f"<html><head><title>Long report</title></head><body><article><h1>Long report</h1>"
        f"{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte is written
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "extract", str(page)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == BROKEN_PIPE_STATUS
