"""On PostgreSQL the active `analyse` role prunes: a real `newswatch run --role analyse`
process removes an old closed story as it takes the lead, and leaves a recent one."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.store.base import utcnow
from bot.store.postgres import PostgresStore
from tests.daemon.harness import DATA
from tests.pgcluster import Cluster
from tests.store.retention_world import old_and_new
from tests.store.test_roles import Role, wait_for


def test_the_active_analyser_prunes(pg_cluster: Cluster, pg_url: str, tmp_path: Path) -> None:
    shutil.copy(DATA / "rules.yaml", tmp_path / "rules.yaml")
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        "rules: [rules.yaml]\nhealth: {port: 0}\nreload: {poll_interval: 0}\n", encoding="utf-8"
    )
    store = PostgresStore(pg_url, password=pg_cluster.password)
    ancient, recent = old_and_new(store, utcnow())
    role = Role(config, "analyse", pg_url, pg_cluster, "analyse")
    try:
        wait_for("the prune", lambda: "pruned in" in role.text(), 60, [role])
        assert "stories 1, articles 2" in role.text()
        assert store.story(ancient) is None
        kept = store.story(recent)
        assert kept is not None and len(kept.article_ids) == 2
        assert store.known_keys(["ancient-0", "ancient-1"]) == {"ancient-0", "ancient-1"}
    finally:
        status = role.stop()
        store.close()
    assert status == 0
