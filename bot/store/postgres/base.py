"""Opening a PostgreSQL database: the pool, the password, migrations, refusal of newer schemas.

The URL names user, host, port and database (`postgresql://user@host:port/db`); the password
comes from NEWSWATCH_DATABASE_PASSWORD, else from libpq's own environment (PGPASSWORD,
~/.pgpass). It is never part of a message: errors name the URL with any password removed.
Several processes may open one database at once; migrations run under an advisory lock so
only one applies them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.store.interface import StoreError
from bot.store.migrations import MIGRATION_SET, migrations
from bot.store.postgres.schema import POSTGRES_MIGRATIONS

PASSWORD_ENV = "NEWSWATCH_DATABASE_PASSWORD"
URL_SCHEMES = ("postgresql://", "postgres://")
_MIGRATION_LOCK = 0x6E657773  # advisory lock key held while migrating ("news")
# A lead's connection: UTC, and server-side keepalives so a vanished machine frees its lock.
_LEAD_OPTIONS = (
    "-c timezone=UTC -c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 "
    "-c tcp_keepalives_count=3"
)
log = logging.getLogger(__name__)

Row = dict[str, Any]
Conn = psycopg.Connection[Row]


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def redact(url: str) -> str:
    """The URL as it may be shown: any password replaced."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(unparsable URL)"
    user, host, port, db = (str(params.get(k) or "") for k in ("user", "host", "port", "dbname"))
    where = f"{host}:{port}" if port else host
    return f"postgresql://{user + '@' if user else ''}{where}/{db}"


def database_password() -> tuple[str, ...]:
    """The database password from the environment, if any (for the log's redaction list)."""
    secret = os.environ.get(PASSWORD_ENV, "").strip()
    return (secret,) if secret else ()


def migration_names() -> list[str]:
    """The one list of migrations (SQLite's, in order)."""
    return [m.name for m in migrations._migrations]


class PostgresBase:
    """Holds the pool; the query mixins take connections from it with `_tx`/`_all`/`_one`."""

    def __init__(
        self, url: str, password: str | None = None, max_size: int = 8, read_only: bool = False
    ) -> None:
        self.url = url
        self.path = redact(url)  # what messages name (the SQLite store names its file)
        self.read_only = read_only
        secret = password if password is not None else os.environ.get(PASSWORD_ENV)
        options = "-c timezone=UTC"
        if read_only:  # every transaction of these connections refuses writes
            options += " -c default_transaction_read_only=on"
        extra: dict[str, Any] = {"options": options, "connect_timeout": 10}
        if secret:
            extra["password"] = secret
        self._leads: dict[str, psycopg.Connection[Any]] = {}
        try:
            conninfo = make_conninfo(url, **extra)
        except psycopg.ProgrammingError as exc:
            raise StoreError(f"{self.path}: not a PostgreSQL URL: {exc}") from None
        try:  # one direct attempt first: the server's own reason, at once, not a pool timeout
            psycopg.connect(conninfo).close()
        except psycopg.Error as exc:
            raise StoreError(f"{self.path}: cannot connect: {_reason(exc, secret)}") from None
        self._conninfo = conninfo
        self.pool: ConnectionPool[Conn] = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max_size,
            # autocommit: a lone statement is its own transaction (one round trip, not
            # BEGIN, statement, COMMIT); _tx opens an explicit one where several go together
            kwargs={"row_factory": dict_row, "autocommit": True},
            open=False,
            name="newswatch",
        )
        try:
            self.pool.open(wait=True, timeout=15)
        except (PoolTimeout, psycopg.Error) as exc:
            self.pool.close()
            raise StoreError(f"{self.path}: cannot connect: {_reason(exc, secret)}") from None
        try:
            self._check_read_only() if read_only else self._migrate()
        except Exception:
            self.pool.close()
            raise

    def _check_read_only(self) -> None:
        """Looking without changing: a schema not (fully) migrated yet is refused."""
        try:
            pending = self.pending_migrations()
        except psycopg.errors.UndefinedTable:
            raise StoreError(f"{self.path}: not a newswatch database (no migrations)") from None
        with self._tx() as conn:
            self._refuse_newer(self._applied(conn))
        if pending:
            raise StoreError(f"{self.path}: not migrated yet ({', '.join(pending)} pending)")

    def _migrate(self) -> None:
        names = migration_names()
        missing = [n for n in names if n not in POSTGRES_MIGRATIONS]
        if missing:
            raise StoreError(f"{self.path}: no PostgreSQL text for migration(s) {missing}")
        with self._tx() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [_MIGRATION_LOCK])
            conn.execute(
                """CREATE TABLE IF NOT EXISTS _newswatch_migrations (
                   migration_set TEXT NOT NULL, name TEXT NOT NULL,
                   applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                   PRIMARY KEY (migration_set, name))"""
            )
            applied = self._applied(conn)
            self._refuse_newer(applied)
            for name in names:
                if name in applied:
                    continue
                try:
                    conn.execute(POSTGRES_MIGRATIONS[name])
                except psycopg.Error as exc:
                    raise StoreError(f"{self.path}: migration {name} failed: {exc}") from None
                conn.execute(
                    "INSERT INTO _newswatch_migrations (migration_set, name) VALUES (%s, %s)",
                    [MIGRATION_SET, name],
                )

    def _refuse_newer(self, applied: set[str]) -> None:
        unknown = sorted(applied - set(migration_names()))
        if unknown:
            raise StoreError(
                f"{self.path}: written by a newer newswatch (unknown migrations in set "
                f"{MIGRATION_SET!r}: {', '.join(unknown)}); upgrade newswatch or use another --db"
            )

    def _applied(self, conn: Conn) -> set[str]:
        rows = conn.execute(
            "SELECT name FROM _newswatch_migrations WHERE migration_set = %s", [MIGRATION_SET]
        ).fetchall()
        return {r["name"] for r in rows}

    def pending_migrations(self) -> list[str]:
        with self._tx() as conn:
            applied = self._applied(conn)
        return [n for n in migration_names() if n not in applied]

    def applied_migrations(self) -> list[str]:
        with self._tx() as conn:
            applied = self._applied(conn)
        return [n for n in migration_names() if n in applied]

    def check_integrity(self) -> list[str]:
        """The server keeps its own files consistent; what can be checked from here is that
        every migration this newswatch knows has been applied."""
        pending = self.pending_migrations()
        return [f"migration {name} not applied" for name in pending]

    @contextmanager
    def _tx(self) -> Iterator[Conn]:
        """One transaction on a pooled connection: committed at the end, rolled back on error."""
        with self.pool.connection() as conn, conn.transaction():
            yield conn

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """One statement (its own transaction: the connections autocommit)."""
        with self.pool.connection() as conn:
            return conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self.pool.connection() as conn:
            return conn.execute(sql, params).fetchone()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute one statement, atomic on its own; the number of rows it touched."""
        with self.pool.connection() as conn:
            return conn.execute(sql, params).rowcount

    def check_writable(self) -> str | None:
        """None when the server accepts a write transaction now, else why not (a standby
        server, a read-only transaction default, the server gone)."""
        try:
            with self._tx() as conn:
                conn.execute("CREATE TEMP TABLE _newswatch_probe (x int) ON COMMIT DROP")
        except (psycopg.Error, PoolTimeout) as exc:
            return _reason(exc, None)
        return None

    def hold_lead(self, name: str) -> bool:
        """A session advisory lock on a connection of its own: the server frees it when this
        process dies or its connection drops (keepalives find a dead machine in ~25 s)."""
        held = self._leads.get(name)
        if held is not None:
            try:
                held.execute("SELECT 1")
                return True
            except psycopg.Error:
                held.close()
                del self._leads[name]
        try:
            conn = psycopg.connect(self._conninfo, autocommit=True, options=_LEAD_OPTIONS)
        except psycopg.Error as exc:
            log.warning("cannot try for the %s lead: %s", name, _reason(exc, None))
            return False
        row = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [name]).fetchone()
        if row is not None and row[0]:
            self._leads[name] = conn
            return True
        conn.close()
        return False

    def checkpoint(self) -> None:
        """Nothing to fold: the server owns its write-ahead log."""

    def close(self) -> None:
        for conn in self._leads.values():
            conn.close()
        self._leads.clear()
        self.pool.close()


def _reason(exc: BaseException, secret: str | None) -> str:
    text = str(exc) or type(exc).__name__
    if secret:
        text = text.replace(secret, "***")
    return text.strip().splitlines()[0] if text.strip() else text
