"""`newswatch run --role …` as real processes on one PostgreSQL database: fetch workers
never fetch one source twice in a cycle; kill -9 of the active analyser hands over to the
standby, which finishes every article, none grouped twice. On SQLite only `all` runs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.store.postgres import PostgresStore
from tests.daemon.harness import DATA, Outlets, write_config
from tests.pgcluster import Cluster


class Requests:
    """How often each feed path was asked for (the outlets' delay hook sees every request)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, path: str) -> float:
        with self.lock:
            self.counts[path] += 1
        return self.seconds


class Role:
    """One `newswatch run --role ROLE --db URL` process, its log in a file."""

    def __init__(self, config: Path, role: str, url: str, cluster: Cluster, name: str) -> None:
        env = {k: v for k, v in cluster.env().items() if not k.startswith("TELEGRAM_")}
        env["NEWSWATCH_HEALTH_PORT"] = "0"  # no health server here: tests/roles checks it
        self.log = config.parent / f"{name}.log"
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

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=20)


def wait_for(what: str, ready: Callable[[], object], timeout: float, logs: list[Role]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.05)
    dump = "\n".join(f"--- {r.log.name}\n{r.text()[-3000:]}" for r in logs)
    raise AssertionError(f"timed out waiting for {what}\n{dump}")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Path, Outlets, Requests]]:
    shutil.copy(DATA / "rules.yaml", tmp_path / "rules.yaml")
    requests = Requests(0.2)
    with Outlets(delay=requests) as outlets:
        yield tmp_path, outlets, requests


def test_two_fetch_workers_never_fetch_one_source_twice(
    pg_cluster: Cluster, pg_url: str, world: tuple[Path, Outlets, Requests]
) -> None:
    folder, outlets, requests = world
    sources = [sid for wave in range(8) for sid in outlets.add_wave(wave)]
    config = write_config(folder, outlets, sources)
    text = config.read_text().replace(
        "allow_private: true,", "allow_private: true, concurrency: 2,"
    )
    config.write_text(text)  # 4 sources leased at a time: the two workers share the cycle
    store = PostgresStore(pg_url, password=pg_cluster.password)
    workers = [Role(config, "fetch", pg_url, pg_cluster, f"fetch{n}") for n in (1, 2)]

    def every_source_fetched() -> bool:  # one read: an empty table read first passed before
        states = store.source_states()
        return len(states) == len(sources) and all(s.last_success_at for s in states)

    try:
        wait_for("every source fetched", every_source_fetched, 60, workers)
        time.sleep(2.0)  # four more ticks each: a second fetch of any source would show
        feeds = {p: n for p, n in requests.counts.items() if p.endswith(".rss")}
        assert sorted(feeds) == sorted(f"/{sid}.rss" for sid in sources)
        assert set(feeds.values()) == {1}, feeds  # each feed once: never by both workers
        assert store.article_count() == sum(len(outlets.items[s]) for s in sources)
        assert store.unanalysed_articles()  # fetch workers store; analysing is another role's
        assert all(pg_cluster.password not in w.text() for w in workers)
    finally:
        statuses = [w.stop() for w in workers]
        store.close()
    assert statuses == [0, 0], [w.text()[-2000:] for w in workers]


def test_kill_9_of_the_active_analyser_the_standby_finishes(
    pg_cluster: Cluster, pg_url: str, world: tuple[Path, Outlets, Requests]
) -> None:
    folder, outlets, requests = world
    requests.seconds = 0.05
    sources = [sid for wave in range(10) for sid in outlets.add_wave(wave)]
    total = sum(len(outlets.items[s]) for s in sources)
    config = write_config(folder, outlets, sources)
    store = PostgresStore(pg_url, password=pg_cluster.password)
    first = Role(config, "analyse", pg_url, pg_cluster, "analyse1")
    roles = [first]
    try:
        wait_for("the first analyser to lead", lambda: "analyse: active" in first.text(), 30, roles)
        second = Role(config, "analyse", pg_url, pg_cluster, "analyse2")
        roles.append(second)
        wait_for(
            "the standby to start", lambda: "running as role analyse" in second.text(), 30, roles
        )
        roles.append(Role(config, "fetch", pg_url, pg_cluster, "fetch"))

        def mid_analysis() -> bool:
            pending = len(store.unanalysed_articles())
            return 0 < pending < store.article_count()

        wait_for("analysis under way", mid_analysis, 60, roles)
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(timeout=10)
        wait_for("the standby to lead", lambda: "analyse: active" in second.text(), 30, roles)
        wait_for(
            "every article analysed",
            lambda: store.article_count() == total and not store.unanalysed_articles(),
            60,
            roles,
        )
        stories = store.latest_stories(None, 10_000)
        grouped = [a for s in stories for a in s.article_ids]
        assert len(grouped) == len(set(grouped)) == total  # each article in one story, once
        assert all(s.article_ids for s in stories)  # no story left empty by the kill
        assert any(len(s.outlets) > 1 for s in stories)  # grouping went on across the handover
    finally:
        statuses = [r.stop() for r in roles[1:]]
        store.close()
    assert statuses == [0, 0]


def test_roles_other_than_all_are_refused_on_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DATA / "rules.yaml", tmp_path / "rules.yaml")
    (tmp_path / "newswatch.yaml").write_text("database: nw.db\nrules: [rules.yaml]\n")
    os.chdir(tmp_path)
    code = main(["run", "--config", str(tmp_path / "newswatch.yaml"), "--role", "fetch"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--role fetch needs a PostgreSQL database" in err and "--role all" in err
    assert not (tmp_path / "nw.db").exists()
