"""The console "platform": plain-text digests printed to a stream (demo, dry runs)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, TextIO


class ConsoleSender:
    platform = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.count = 0

    async def send(self, destination: str, payload: Mapping[str, Any]) -> str:
        self.count += 1
        self.stream.write(str(payload["text"]).rstrip() + "\n\n")
        self.stream.flush()
        return f"console:{self.count}"

    async def close(self) -> None:
        return None
