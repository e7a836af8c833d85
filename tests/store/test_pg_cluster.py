"""The throwaway PostgreSQL cluster itself: reachable only with its password."""

from __future__ import annotations

import psycopg
import pytest

from tests.pgcluster import Cluster


def test_cluster_takes_the_password_and_refuses_without(pg_cluster: Cluster, pg_url: str) -> None:
    with psycopg.connect(pg_url, password=pg_cluster.password) as conn:
        row = conn.execute("SELECT current_database(), current_setting('server_version_num')")
        name, version = row.fetchone() or ("", "0")
    assert pg_url.endswith("/" + name)
    assert int(version) >= 120000  # generated columns (the tsvector) need 12
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(pg_url, password="wrong", connect_timeout=5).close()
