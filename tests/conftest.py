"""Shared fixtures. The real network is off limits: sockets may only reach loopback."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.pgcluster import INSTALL_HINT, Cluster, missing_reason, running_cluster

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (
        host.startswith("127.") or host in ("::1", "localhost") or host.startswith("/")
    ):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    yield


# --- PostgreSQL: one throwaway cluster per test session, one fresh database per test ---------

_pg_skipped: list[str] = []


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """The session's PostgreSQL server (started on first use); tests needing it are skipped,
    loudly, when the server is not installed."""
    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)
    with running_cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_url(pg_cluster: Cluster, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty database on the session's cluster (dropped afterwards)."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = psycopg.connect(
        pg_cluster.url("postgres"), password=pg_cluster.password, autocommit=True
    )
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield pg_cluster.url(name)
    admin = psycopg.connect(
        pg_cluster.url("postgres"), password=pg_cluster.password, autocommit=True
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and isinstance(report.longrepr, tuple):
        message = str(report.longrepr[2])
        if "PostgreSQL" in message:
            _pg_skipped.append(report.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say loudly which tests could not run for want of a PostgreSQL server, and how to
    get one (CI installs it, so there this list is always empty)."""
    if not _pg_skipped:
        return
    write = terminalreporter.write_line
    write("")
    write("!" * 88, red=True, bold=True)
    write(
        f"!! {len(_pg_skipped)} PostgreSQL tests did NOT run: no PostgreSQL server here.",
        red=True,
        bold=True,
    )
    write(f"!! Install it with:  {INSTALL_HINT}   (then run make test again)", red=True, bold=True)
    for nodeid in _pg_skipped:
        write(f"!!   not run: {nodeid}", red=True)
    write("!" * 88, red=True, bold=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_target(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """Where a store test opens its database: a SQLite file, then a fresh PostgreSQL
    database (password in NEWSWATCH_DATABASE_PASSWORD, as in production)."""
    if request.param == "sqlite":
        return str(tmp_path / "nw.db")
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    url: str = request.getfixturevalue("pg_url")
    monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("NEWSWATCH_DATABASE_PASSWORD", cluster.password)
    return url
