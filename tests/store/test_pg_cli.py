"""The real CLI on PostgreSQL: `newswatch demo --db postgresql://…` prints digests with every
outlet's link and leaves no SQLite file; `newswatch stories --db postgresql://… --json`
reads the stories back. Separate processes, the password only in the environment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from bot.store.postgres import PostgresStore
from tests.pgcluster import Cluster

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "bot/demo/stories.yaml").read_text(encoding="utf-8"))


def _newswatch(cluster: Cluster, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**cluster.env(), "TMPDIR": str(cwd / "tmp")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_demo_on_postgresql_then_stories_read_back(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path
) -> None:
    (tmp_path / "tmp").mkdir()
    demo = _newswatch(pg_cluster, tmp_path, "demo", "--db", pg_url, "--rules-home", str(ROOT))
    assert demo.returncode == 0, demo.stderr
    out = demo.stdout
    assert "===== digest for channel 'analysts'" in out
    assert "===== digest for channel 'sanctions-desk'" in out
    assert pg_cluster.password not in out + demo.stderr
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # no SQLite file anywhere

    store = PostgresStore(pg_url, password=pg_cluster.password)
    assert store.unanalysed_articles() == []  # every stored article was grouped
    stories = store.latest_stories(None, 100)
    delivered = {c.id: store.delivered_outlets(c.id) for c in store.channels()}
    store.close()
    linked = {o.url: s.id for s in stories for o in s.outlets}
    for item in MANIFEST["items"]:
        assert any(url.endswith(item["link"]) for url in linked), item["link"]
    by_id = {s.id: s for s in stories}
    assert max(len(s.outlets) for s in stories) == 5
    assert delivered["analysts"] and delivered["sanctions-desk"]
    for channel, sent in delivered.items():
        assert f"===== digest for channel '{channel}'" in out
        for story_id, outlets in sent.items():
            assert len(by_id[story_id].outlets) == outlets
            for outlet in by_id[story_id].outlets:
                assert outlet.url in out  # every outlet's link is in the printed digest

    listed = _newswatch(pg_cluster, tmp_path, "stories", "--db", pg_url, "--since", "30d", "--json")
    assert listed.returncode == 0, listed.stderr
    back = json.loads(listed.stdout)
    assert {s["id"] for s in back} == {s.id for s in stories}
    assert {o["url"] for s in back for o in s["outlets"]} == set(linked)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
