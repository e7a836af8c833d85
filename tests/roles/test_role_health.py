"""Each role process serves its own health port (`health.port`, here NEWSWATCH_HEALTH_PORT
on a free loopback port): /healthz names the role and whether it works or stands by (two
analysers: one active, one standby), /readyz checks the database, /metrics has the
role_active gauge."""

from __future__ import annotations

from pathlib import Path

from bot.store.postgres import PostgresStore
from tests.pgcluster import Cluster
from tests.roles.procs import RoleProc, wait_until

RULES = "topics:\n  drones:\n    name: Drones\n    query: drone*\n"


def test_every_role_process_answers_on_its_own_health_port(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path
) -> None:
    (tmp_path / "rules.yaml").write_text(RULES)
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        "rules: [rules.yaml]\nfetch: {tick: 1.0}\nchannels:\n"
        "  - {id: desk, platform: console, destination: desk-room, subscriptions: [drones]}\n"
    )
    PostgresStore(pg_url, password=pg_cluster.password).close()  # migrated once, up front
    roles = ["fetch", "analyse", "analyse", "deliver", "chat"]
    procs: list[RoleProc] = []
    try:
        for n, role in enumerate(roles):
            procs.append(RoleProc(config, role, pg_url, pg_cluster, f"{role}{n}"))
            if role == "analyse":  # the first analyser leads before the second starts
                wait_until("an answer", lambda: procs[-1].state(), 60, procs)
        states = {p.name: wait_until("an answer", p.state, 60, procs) for p in procs}
        analysers = [p.name for p in procs if p.name.startswith("analyse")]
        wait_until(
            "one analyser active, one standby",
            lambda: (
                sorted(str((p.state() or {}).get("state")) for p in procs[1:3])
                == ["active", "standby"]
            ),
            60,
            procs,
        )
        states = {p.name: p.state() for p in procs}
        for name, state in states.items():
            print(f"{name}: {state}")
        for p in procs:
            state = states[p.name]
            assert state is not None and state["alive"] is True
            assert state["role"] == p.name.rstrip("0123456789")
            ready = p.health("/readyz")
            assert ready is not None and ready.status_code == 200, ready and ready.text
            metrics = p.health("/metrics")
            assert metrics is not None and metrics.status_code == 200
            assert f'newswatch_role_active{{role="{state["role"]}"}}' in metrics.text
        assert states["fetch0"] is not None and states["fetch0"]["state"] == "active"
        assert states["deliver3"] is not None and states["deliver3"]["state"] == "active"
        assert states["chat4"] is not None and states["chat4"]["state"] == "idle"
        assert len(analysers) == 2
    finally:
        codes = [p.stop() for p in procs]
    assert codes == [0] * len(roles), [p.text()[-2000:] for p in procs]
