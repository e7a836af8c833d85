"""reload.apply_rules: after a reload that adds a topic, the daemon matches stored articles
again, so their stories carry the new topic, and old stories send no alert."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

from tests.daemon.harness import (
    Daemon,
    Outlets,
    RecordingTelegram,
    free_port,
    sqlite_rows,
    write_config,
)


def test_a_reload_with_apply_rules_tags_stored_stories_without_alerting(
    home: Path, outlets: Outlets, telegram: RecordingTelegram
) -> None:
    port = free_port()
    live = home / "live.yaml"
    shutil.copy(home / "rules_v1.yaml", live)
    first = outlets.add_wave(0)
    config = write_config(
        home, outlets, first, rules="live.yaml", port=port, poll=0, subscriptions=(),
        apply_rules=True,
    )  # fmt: skip
    daemon = Daemon(config, telegram, port)
    db = home / "newswatch.db"
    try:
        daemon.wait("a first fetch cycle", lambda: (r := daemon.get("/readyz")) and r.is_success)
        tagged = "SELECT count(*) FROM stories WHERE topic_ids LIKE '%drills%'"
        assert sqlite_rows(db, tagged) == [(0,)]
        shutil.copy(home / "rules_v2.yaml", live)  # drills become a topic, and subscribed
        write_config(
            home, outlets, first, rules="live.yaml", port=port, poll=0,
            subscriptions=("drills",), apply_rules=True,
        )  # fmt: skip
        daemon.proc.send_signal(signal.SIGHUP)
        daemon.wait("the rules applied", lambda: daemon.logged("rules applied to"))
        applied = next(r for r in daemon.records() if "rules applied to" in r["message"])
        code, _ = daemon.signal(signal.SIGTERM)
    finally:
        daemon.kill()
    assert code == 0, daemon.logs()
    assert sqlite_rows(db, tagged)[0][0] > 0  # stored stories now carry the new topic
    assert "newly subscribed stories not alerted" in applied["message"]
    assert sqlite_rows(db, "SELECT count(*) FROM outbox") == [(0,)]  # recorded, not sent
    held = sqlite_rows(db, "SELECT count(*) FROM deliveries WHERE channel_id = 'desk'")[0][0]
    assert held == sqlite_rows(db, tagged)[0][0]
