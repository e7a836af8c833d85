"""A progress bar on standard error for long work (fetch cycles, eval, imports).

Why only on a terminal: a bar is for a person watching. In a pipe, a log file or with --json
it would be noise mixed into what a program reads, so it is off there, and the work's own
output is unchanged either way. The line is redrawn at most a few times a second and wiped
when the work ends, so nothing of it remains on the screen.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

WIDTH = 24  # cells of the bar itself
REDRAW = 0.1  # seconds between redraws, at most


class Progress:
    """`with Progress("fetch", total, enabled=not args.json) as bar: ... bar.step(note)`
    (a total of 0 until `start(total)` is called: nothing is drawn before)."""

    def __init__(
        self, label: str, total: int, *, enabled: bool = True, stream: TextIO | None = None
    ) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.label, self.total, self.done = label, total, 0
        self.enabled = enabled
        self.shown = enabled and total > 0 and _is_terminal(self.stream)
        self._drawn_at = 0.0

    def __enter__(self) -> Progress:
        self._draw("")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.shown:
            self.shown = False
            self.stream.write("\r\x1b[K")  # wipe the line: the command's output follows clean
            self.stream.flush()

    def start(self, total: int) -> None:
        """The amount of work, once known (a fetch cycle learns it when it begins)."""
        self.total, self.done = total, 0
        self.shown = self.enabled and total > 0 and _is_terminal(self.stream)
        self._draw("")

    def step(self, note: str = "") -> None:
        """One unit of the work is done (`note`: what it was, e.g. the source's id)."""
        self.done = min(self.total, self.done + 1)
        if self.done == self.total or time.monotonic() - self._drawn_at >= REDRAW:
            self._draw(note)

    def _draw(self, note: str) -> None:
        if not self.shown:
            return
        self._drawn_at = time.monotonic()
        filled = WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (WIDTH - filled)
        line = f"{self.label} [{bar}] {self.done}/{self.total} {note}"
        self.stream.write("\r\x1b[K" + line[:79])
        self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream is not a terminal
        return False
