"""reload.apply_rules: after a reload that adds a topic, the daemon matches stored articles
again, so their stories carry the new topic, and old stories send no alert."""

from __future__ import annotations

import shutil
import signal
from datetime import UTC, datetime
from pathlib import Path

from bot.store import Store
from tests.daemon.harness import (
    Daemon,
    Outlets,
    RecordingTelegram,
    free_port,
    read_db,
    write_config,
)


def tagged(store: Store) -> int:
    """Stories carrying the drills topic."""
    since = datetime(2000, 1, 1, tzinfo=UTC)
    return sum("drills" in s.topic_ids for s in store.stories_since(since, limit=100_000))


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
        assert read_db(db, tagged) == 0
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
    stories = read_db(db, tagged)
    assert stories > 0  # stored stories now carry the new topic
    assert "newly subscribed stories not alerted" in applied["message"]
    assert sum(read_db(db, lambda s: s.outbox_counts()).values()) == 0  # recorded, not sent
    assert len(read_db(db, lambda s: s.delivered_outlets("desk"))) == stories
