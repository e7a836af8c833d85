"""A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl on a free loopback port.

Debian's `postgresql` package puts the server in /usr/lib/postgresql/<version>/bin; the
cluster lives in a temporary folder and is removed at the end. PostgreSQL refuses to run as
root, so when the tests run as root the cluster belongs to an unprivileged system user
(`newswatch-test`, created on first use; `nobody` when it cannot be created). Connections
go over TCP to 127.0.0.1 with a password (scram-sha-256), so the password path of the store
is exercised as in production.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_HINT = "apt-get install -y postgresql"
TEST_USER = "newswatch-test"
SUPERUSER = "newswatch"


def server_bindir() -> Path | None:
    """The folder with initdb, pg_ctl and postgres: $NEWSWATCH_TEST_PG_BIN, the newest
    Debian version, or the one on PATH; None when no server is installed."""
    configured = os.environ.get("NEWSWATCH_TEST_PG_BIN")
    if configured:
        return Path(configured)
    bindirs = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    bindirs.sort(key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)
    if bindirs:
        return bindirs[-1]
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    return None


def missing_reason() -> str | None:
    """Why no cluster can be started here (None when one can)."""
    bindir = server_bindir()
    if bindir is None or not (bindir / "initdb").exists() or not (bindir / "pg_ctl").exists():
        return (
            "PostgreSQL server not installed (no initdb/pg_ctl): these tests did NOT run. "
            f"Install it with: {INSTALL_HINT}"
        )
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as_user() -> list[str]:
    """The command prefix that drops root for the server (empty when not root)."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(TEST_USER)
        user = TEST_USER
    except KeyError:
        made = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", TEST_USER],
            capture_output=True,
            text=True,
        )
        user = TEST_USER if made.returncode == 0 else "nobody"
    return ["runuser", "-u", user, "--"]


@dataclass
class Cluster:
    """A running server; `url(db)` names a database on it, `password` opens it."""

    bindir: Path
    root: Path
    port: int
    password: str
    prefix: list[str] = field(default_factory=list)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def env(self) -> dict[str, str]:
        """The environment a newswatch process needs to open this cluster's databases."""
        return {**os.environ, "NEWSWATCH_DATABASE_PASSWORD": self.password}

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [*self.prefix, *args], capture_output=True, text=True, cwd=self.root, timeout=120
        )
        if done.returncode != 0:
            output = done.stderr or done.stdout
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {output}")

    def start(self) -> None:
        self.root.chmod(0o755)
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if self.prefix:
            user = self.prefix[2]
            info = pwd.getpwnam(user)
            os.chown(self.root, info.pw_uid, info.pw_gid)
            os.chown(pwfile, info.pw_uid, info.pw_gid)
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.datadir),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(pwfile),
            "--auth-host=scram-sha-256",
            "--auth-local=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        pwfile.unlink()
        # A throwaway cluster: durability off makes CREATE DATABASE and commits cheap.
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories='{self.root}' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
            "-c shared_buffers=32MB"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            pg_ctl = str(self.bindir / "pg_ctl")
            self._run(pg_ctl, "-D", str(self.datadir), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def running_cluster() -> Iterator[Cluster]:
    """Start a cluster for the duration of the block (the caller checks missing_reason)."""
    bindir = server_bindir()
    assert bindir is not None
    root = Path(tempfile.mkdtemp(prefix="newswatch-pg-"))
    cluster = Cluster(bindir, root, _free_port(), secrets.token_hex(12), _run_as_user())
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
