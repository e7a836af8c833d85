"""Role processes for the role tests: `newswatch run --role ROLE --db URL` as real
subprocesses on the test cluster, each with its log in a file and, when asked, its own
health port on loopback and the fake Bot API's address."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

from tests.daemon.harness import free_port
from tests.fakes.telegram_api import FakeTelegram
from tests.pgcluster import Cluster


class RoleProc:
    """One role process; `health(path)` asks its health server (None while not answering)."""

    def __init__(
        self,
        config: Path,
        role: str,
        url: str,
        cluster: Cluster,
        name: str,
        telegram: FakeTelegram | None = None,
    ) -> None:
        env = {
            k: v
            for k, v in cluster.env().items()
            if not k.startswith(("TELEGRAM_", "SLACK_", "NEWSWATCH_HEALTH"))
        }
        if telegram is not None:
            env.update(TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_BASE_URL=telegram.base_url)
        self.port = free_port()
        env.update(NEWSWATCH_HEALTH_HOST="127.0.0.1", NEWSWATCH_HEALTH_PORT=str(self.port))
        self.name, self.log = name, config.parent / f"{name}.log"
        args = ["run", "--config", str(config), "--role", role, "--db", url]
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", *args],
                cwd=config.parent,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def health(self, path: str = "/healthz") -> httpx.Response | None:
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}{path}", timeout=5.0)
        except httpx.TransportError:
            return None

    def state(self) -> dict[str, Any] | None:
        """The /healthz report (role, state, detail), once the server answers."""
        answer = self.health()
        return None if answer is None else dict(answer.json())

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def wait_until(
    what: str, ready: Callable[[], object], timeout: float, procs: Sequence[RoleProc]
) -> Any:
    """Poll until `ready()` is truthy (returned); fail with every process's log tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = ready()
        if value:
            return value
        time.sleep(0.1)
    dump = "\n".join(f"--- {p.name}\n{p.text()[-3000:]}" for p in procs)
    raise AssertionError(f"timed out waiting for {what}\n{dump}")
