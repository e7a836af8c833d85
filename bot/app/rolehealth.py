"""The health server of a role process (`newswatch run --role …`, `health.port`): /healthz
says which role this process runs and whether it works or stands by, /readyz checks the
database (and the chat adapters), /metrics counts what the role does.

Liveness is the role loop's heartbeat: every round of a role calls `RoleStatus.beat`; a loop
that has not gone round within `stalled_after` seconds answers 503, so an orchestrator
restarts a process whose loop is stuck. A standby is alive (it is waiting on purpose) and
says so, with who it waits for in `detail`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from bot.app.health import HealthServer, ReadyCheck
from bot.app.metrics import Metrics
from bot.store import Store

log = logging.getLogger(__name__)


@dataclass
class RoleStatus:
    """What one role process is doing now, for /healthz and the role_active gauge."""

    role: str
    worker: str
    metrics: Metrics
    stalled_after: float = 900.0
    checks: dict[str, ReadyCheck] = field(default_factory=dict)  # for /readyz, added to live
    state: str = "starting"
    detail: str = ""
    _beat: float = field(default_factory=time.monotonic)

    def beat(self, state: str, detail: str = "") -> None:
        """The role's loop went round; `state` is e.g. active, standby, fetching."""
        if state != self.state:
            self.metrics.role_active.labels(role=self.role).set(
                0.0 if state in ("standby", "starting") else 1.0
            )
        self.state, self.detail = state, detail
        self._beat = time.monotonic()

    def liveness(self) -> tuple[bool, dict[str, object]]:
        age = time.monotonic() - self._beat
        alive = age <= self.stalled_after
        return alive, {
            "alive": alive,
            "role": self.role,
            "worker": self.worker,
            "state": self.state,
            "detail": self.detail,
            "last_round_seconds_ago": round(age, 1),
        }


async def start_health(
    host: str, port: int, status: RoleStatus, store: Store
) -> HealthServer | None:
    """Serve /healthz, /readyz and /metrics on host:port (port 0 in the settings: none)."""
    if not port:
        return None

    def database() -> tuple[bool, str]:
        problem = store.check_writable()
        return (True, "writable") if problem is None else (False, f"not writable: {problem}")

    status.checks["database"] = database
    server = HealthServer(host, port, status.metrics, status.checks, liveness=status.liveness)
    bound = await server.start()
    log.info("health server on %s:%d (role %s)", host, bound, status.role)
    return server
