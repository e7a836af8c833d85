"""Scale benchmark: one SQLite process beside 1, 2 and 4 fetch worker processes on PostgreSQL.

5,000 loopback feeds (each response held --latency seconds, 8 loopback addresses so the
per-host cap behaves as across outlets). Cycle 1 finds every feed new; before cycle 2 a
fifth of the feeds get new items, the rest answer 304 to their ETag. Each configuration
runs on a fresh database through the code the fetch role runs, with the project's default
settings (fetch.concurrency 32, fetch.per_host 4, fetch.parse_workers 0: a worker's 32
requests in flight over the 8 hosts, its parsing in threads): the workers start, open their
store and say they are ready (a fetch worker runs for weeks: its start is no part of a
cycle); then each reads the due sources once and leases, fetches and stores batches of 64
with bot.app.roles.fetch_leased until none is left. Then one process matches and groups the
first --analyse stored articles (2,000 of the 50,000 by default, into an empty story index,
as the analyse role takes what the workers stored), timed apart: on SQLite and on the first
PostgreSQL configuration only, since every configuration stores the same articles. All
50,000 at today's analysis speed would take most of an hour, and the fetch figures are what
this bench is for; the art/s column is for that sample.

Columns: cycle wall times, fetch throughput of cycle 2 (feeds per second), the CPU per feed
of cycle 2 for each kind of process (the fetch workers' with their parse threads, the
PostgreSQL server's when this bench started the cluster, the loopback feed server's) and
their total, articles per second through analysis, and the peak RSS of the largest worker
process. The total decides how far more workers can scale on a given number of cores: the
last lines give the ceiling it sets on this machine. The feed server answers with bytes
made before the cycle (bodies rendered and gzipped at start and when feeds advance), so it
costs the machine little while a cycle runs.

Each worker also prints its CPU seconds against its wall time (with the load average): a
worker near 100% of its wall (or below it only because the machine is loaded) is CPU-bound,
and more workers help only with more cores. BENCH_PROFILE=bench-0 prints that worker's
cProfile (CPU time, by own time; its main thread only) on stderr.

Without --pg a throwaway cluster is started as the tests do (Debian's postgresql package).

    .venv/bin/python bench/scale.py [--feeds 5000] [--items 10] [--latency 0.1] [--pg URL]
        [--workers 1,2,4] [--analyse 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import multiprocessing as mp
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANALYSE = 2000  # articles analysed per backend (of feeds x items stored): see the docstring
HOSTS = [f"127.0.0.{n}" for n in range(2, 10)]
RULES = """\
entities:
  kalomi: {name: Kalomi, kind: place, aliases: [kalomi, Kalomi]}
topics:
  harbour: {name: Harbour, query: 'kalomi OR sutor*'}
"""
_WORDS = ["ka", "lo", "mi", "ra", "ten", "su", "tor", "vel", "an", "qui", "do", "rem"]


def feed_body(i: int, version: int, items: int, port: int) -> bytes:
    rng = random.Random(i * 1000 + version)
    base = f"http://{HOSTS[i % len(HOSTS)]}:{port}/feed/{i}"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
    ]
    parts.append(f"<title>Outlet {i}</title><link>{base}/</link>")
    for j in range(items):
        words = ["".join(rng.choice(_WORDS) for _ in range(3)) for _ in range(60)]
        title = " ".join(words[:7]).capitalize()
        paras = [
            " ".join(rng.choice(words) for _ in range(30)).capitalize() + "." for _ in range(8)
        ]
        body = "".join(f"<p>{p}</p>" for p in paras)  # full text: no article page to fetch
        parts.append(
            f"<item><title>{title}</title><link>{base}/v{version}-s{j}</link>"
            f"<guid isPermaLink='false'>o{i}-v{version}-s{j}</guid>"
            f"<pubDate>Mon, 02 Sep 2024 10:{j % 60:02d}:00 GMT</pubDate>"
            f"<description>{paras[0][:120]}</description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def serve(control: Connection, feeds: int, items: int, latency: float) -> None:
    asyncio.run(_serve(control, feeds, items, latency))


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _serve(control: Connection, feeds: int, items: int, latency: float) -> None:
    """Feeds at /feed/N.xml; on "advance" a fifth of them take a new version (new items).

    Every answer is made before the cycle that serves it (the bodies rendered and gzipped at
    start and on "advance", the 304 heads too), so what the server does while a cycle runs
    is read a request, hold it --latency seconds, write ready bytes: its CPU (asked with
    "cpu", reported per cycle) stays a small part of the machine's."""
    version = [0] * feeds
    answers: list[tuple[bytes, bytes]] = []  # per feed: (the If-None-Match it 304s, the 200)
    not_found = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    port = 0

    def render(i: int) -> tuple[bytes, bytes]:
        etag = f'"{i}-{version[i]}"'
        body = gzip.compress(feed_body(i, version[i], items, port), 5)
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            f"Content-Encoding: gzip\r\nContent-Length: {len(body)}\r\n"
            f"ETag: {etag}\r\n\r\n"
        ).encode()
        return f"if-none-match: {etag}".encode(), head + body

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1]
                await asyncio.sleep(latency)
                i = int(path.rsplit(b"/", 1)[-1].split(b".")[0]) if b"/feed/" in path else -1
                if not 0 <= i < feeds:
                    writer.write(not_found)
                    continue
                etag_line, full = answers[i]
                if etag_line in head.lower():
                    etag = etag_line.split(b": ", 1)[1]
                    writer.write(b"HTTP/1.1 304 Not Modified\r\nETag: " + etag + b"\r\n\r\n")
                    continue
                writer.write(full)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    servers = []
    for host in HOSTS:
        srv = await asyncio.start_server(handle, host, port, backlog=2048)
        port = srv.sockets[0].getsockname()[1]
        servers.append(srv)
    answers.extend(render(i) for i in range(feeds))
    control.send(port)
    loop = asyncio.get_running_loop()
    generation = 0
    while True:
        command = await loop.run_in_executor(None, control.recv)
        if command == "cpu":
            control.send(_cpu_self())
            continue
        generation += 1
        for i in range(feeds):
            if i % 5 == generation % 5:
                version[i] = generation
                answers[i] = render(i)
        control.send("ok")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fetch_worker(out: Connection, db: str, name: str) -> None:
    """One fetch worker, as `run --role fetch` runs: ready once its store is open, it then
    leases, fetches and stores batches (bot.app.roles.fetch_leased) until nothing is due."""
    asyncio.run(_fetch_worker(out, db, name))


async def _fetch_worker(out: Connection, db: str, name: str) -> None:
    from bot.app.ingest import Pipeline
    from bot.app.roles import fetch_lease, fetch_leased
    from bot.app.sourcelist import running_sources
    from bot.config import load_config
    from bot.core.rules import parse_rules
    from bot.sources.http import Fetcher, FetchSettings
    from bot.store import open_store
    from bot.store.base import utcnow

    settings = load_config(None, env={"NEWSWATCH_FETCH_ALLOW_PRIVATE": "true"}).settings
    store = open_store(db)
    pipeline = Pipeline(store, parse_rules([("b.yaml", RULES)]), settings, rebuild=False)
    lease = fetch_lease(settings.fetch.total_timeout)
    out.send("ready")  # started and connected, as a long-running worker is
    out.recv()  # go
    t0, cpu0 = time.perf_counter(), time.process_time()
    profile = None
    if os.environ.get("BENCH_PROFILE") == name:
        import cProfile

        profile = cProfile.Profile(time.process_time)
        profile.enable()
    async with Fetcher(FetchSettings.from_settings(settings.fetch)) as fetcher:
        due = pipeline.sources_to_fetch(running_sources((), store), utcnow())  # once a tick
        fetched = await fetch_leased(pipeline, fetcher, store, name, due, lease)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    if profile is not None:
        import pstats

        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    out.send({"wall": wall, "fetched": fetched, "rss": _rss_mb(), "cpu": cpu})
    store.close()  # after the cycle's end: a long-running worker keeps its pool


def analyser(out: Connection, db: str, limit: int) -> None:
    """Match and group the first `limit` stored articles (into an empty story index, as the
    analyse role does with what the fetch workers stored), timed."""
    from bot.app.ingest import Pipeline
    from bot.config import load_config
    from bot.core.rules import parse_rules
    from bot.store import open_store

    store = open_store(db)
    settings = load_config(None, env={}).settings
    pipeline = Pipeline(store, parse_rules([("b.yaml", RULES)]), settings, rebuild=False)
    articles = store.unanalysed_articles(limit=limit)
    t0 = time.perf_counter()
    for article in articles:
        pipeline.analyse(article)
    wall = time.perf_counter() - t0
    store.close()
    out.send({"wall": wall, "articles": len(articles), "rss": _rss_mb()})


def _spawn(target: Any, *args: Any) -> tuple[mp.process.BaseProcess, Connection]:
    ctx = mp.get_context("spawn")
    here, there = ctx.Pipe()
    proc = ctx.Process(target=target, args=(there, *args))
    proc.start()
    return proc, here


def run_cycle(db: str, workers: int, control: Connection) -> dict[str, Any]:
    """One cycle through `workers` processes; the CPU seconds the feed server and (on a
    cluster this bench started) the PostgreSQL server spent meanwhile are measured too."""
    running = [_spawn(fetch_worker, db, f"bench-{n}") for n in range(workers)]
    for _, conn in running:
        conn.recv()  # ready
    pg0, server0 = _pg_cpu(db), _server_cpu(control)
    t0 = time.perf_counter()
    for _, conn in running:
        conn.send("go")
    results = [conn.recv() for _, conn in running]
    wall = time.perf_counter() - t0
    for proc, _ in running:
        proc.join()
    time.sleep(0.5)  # the workers' server backends end with their connections
    pg1, server1 = _pg_cpu(db), _server_cpu(control)
    for n, r in enumerate(results):
        print(
            f"  {workers} worker(s), #{n}: {r['fetched']} feeds in {r['wall']:.1f}s, "
            f"CPU {r['cpu']:.1f}s ({100 * r['cpu'] / r['wall']:.0f}% of its wall); "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    pg = None if pg0 is None or pg1 is None else pg1 - pg0
    print(
        f"  feed server CPU {server1 - server0:.1f}s"
        + ("" if pg is None else f", PostgreSQL server CPU {pg:.1f}s"),
        flush=True,
    )
    return {
        "wall": wall,
        "fetched": sum(r["fetched"] for r in results),
        "rss": max(r["rss"] for r in results),
        "cpu": sum(r["cpu"] for r in results),
        "pg_cpu": pg,
        "server_cpu": server1 - server0,
    }


def _server_cpu(control: Connection) -> float:
    control.send("cpu")
    return float(control.recv())


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _pg_cpu(db: str) -> float | None:
    """CPU seconds of the PostgreSQL cluster this bench started (its postmaster with the
    ended backends it reaped, and every live child): None for SQLite or a --pg server."""
    if not db.startswith("postgresql://") or _database.cluster_pid is None:
        return None
    pid = _database.cluster_pid

    def fields(stat: str) -> list[str]:
        return stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "

    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                values = fields(f.read())
        except OSError:
            continue  # ended meanwhile (reaped: counted in the postmaster's children time)
        if int(entry) == pid:
            total += sum(int(v) for v in values[11:15])  # utime stime cutime cstime
        elif int(values[1]) == pid:
            total += int(values[11]) + int(values[12])
    return total / _TICKS


def make_due(db: str) -> None:
    """Every source due again (its ETag kept), as at the start of a cycle."""
    from bot.store import open_store

    store = open_store(db)
    past = datetime.now(UTC) - timedelta(seconds=1)
    for s in store.source_states():
        store.record_fetch_success(s.id, past, past, s.etag, s.last_modified)
    store.close()


def measure(
    db: str, workers: int, feeds: int, port: int, control: Connection, analyse: int
) -> dict[str, Any]:
    from bot.models import Source
    from bot.store import open_store

    store = open_store(db)
    store.add_sources(
        [
            Source(id=f"f{i}", url=f"http://{HOSTS[i % len(HOSTS)]}:{port}/feed/{i}.xml")
            for i in range(feeds)
        ],
        origin="bench",
    )
    store.close()
    first = run_cycle(db, workers, control)
    control.send("advance")
    control.recv()
    make_due(db)
    second = run_cycle(db, workers, control)
    analysis = None
    if analyse:
        proc, conn = _spawn(analyser, db, analyse)
        analysis = conn.recv()
        proc.join()
    return {"first": first, "second": second, "analysis": analysis}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--feeds", type=int, default=5000)
    ap.add_argument("--items", type=int, default=10)
    ap.add_argument("--latency", type=float, default=0.1, help="seconds held per response")
    ap.add_argument("--workers", default="1,2,4", help="fetch worker counts on PostgreSQL")
    ap.add_argument("--pg", help="postgresql:// URL of an empty server database to use")
    ap.add_argument(
        "--analyse",
        type=int,
        default=ANALYSE,
        help="articles analysed (timed) on SQLite and the first PostgreSQL configuration; 0: none",
    )
    args = ap.parse_args()

    ctx = mp.get_context("spawn")
    here, there = ctx.Pipe()
    server = ctx.Process(target=serve, args=(there, args.feeds, args.items, args.latency))
    server.start()
    port = here.recv()
    rows: list[tuple[str, dict[str, Any]]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = f"{tmp}/b.db"
            rows.append(("SQLite, 1 process", measure(db, 1, args.feeds, port, here, args.analyse)))
        for k, n in enumerate(int(w) for w in args.workers.split(",")):
            analyse = args.analyse if k == 0 else 0  # the same articles: analysed once
            with _database(args.pg) as url:
                row = measure(url, n, args.feeds, port, here, analyse)
                rows.append((f"PostgreSQL, {n} fetch", row))
    finally:
        server.kill()
        if _database.cluster is not None:
            _database.cluster.__exit__(None, None, None)
    _print(rows, args)


class _database:
    """A fresh database per configuration: on --pg's server, else on a throwaway cluster."""

    cluster: Any = None
    cluster_pid: int | None = None  # its postmaster, whose CPU _pg_cpu reads
    url = ""  # the cluster's admin database

    def __init__(self, url: str | None) -> None:
        self.given = url

    def __enter__(self) -> str:
        import uuid

        import psycopg

        if self.given is None and _database.cluster is None:
            from tests.pgcluster import missing_reason, running_cluster

            reason = missing_reason()
            if reason:
                raise SystemExit(reason)
            _database.cluster = running_cluster()
            cluster = _database.cluster.__enter__()
            pidfile = Path(cluster.datadir) / "postmaster.pid"
            _database.cluster_pid = int(pidfile.read_text().split()[0])
            os.environ["NEWSWATCH_DATABASE_PASSWORD"] = cluster.password
            _database.url = cluster.url("postgres")
        admin_url = self.given or _database.url
        self.name = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(admin_url, autocommit=True, password=_password()) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.admin = admin_url
        return admin_url.rsplit("/", 1)[0] + "/" + self.name

    def __exit__(self, *exc: object) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True, password=_password()) as conn:
            conn.execute(f'DROP DATABASE "{self.name}" WITH (FORCE)')


def _password() -> str | None:
    return os.environ.get("NEWSWATCH_DATABASE_PASSWORD") or None


def _print(rows: list[tuple[str, dict[str, Any]]], args: argparse.Namespace) -> None:
    print(
        f"\n{args.feeds} feeds x {args.items} items, {args.latency * 1000:.0f} ms per response, "
        "20% with new items in cycle 2\n"
    )
    head = (
        f"{'configuration':<22} {'cycle 1':>9} {'cycle 2':>9} {'feeds/s':>9} "
        f"{'worker':>7} {'PG':>6} {'server':>7} {'total':>6} "
        f"{'analysis':>10} {'art/s':>8} {'peak MB':>8}"
    )
    print(f"{'':<52}{'cycle 2 CPU ms per feed':^29}")
    print(head)
    print("-" * len(head))
    for name, r in rows:
        c2 = r["second"]
        rate = c2["fetched"] / c2["wall"]
        done = r["analysis"]
        rss = max(r["first"]["rss"], c2["rss"], done["rss"] if done else 0)
        timed = "-" if done is None else f"{done['wall']:.1f}s"
        art = "-" if done is None else f"{done['articles'] / max(done['wall'], 1e-9):.0f}"
        per = 1000 / max(c2["fetched"], 1)
        pg_cpu = "-" if c2["pg_cpu"] is None else f"{per * c2['pg_cpu']:.2f}"
        total = per * (c2["cpu"] + (c2["pg_cpu"] or 0) + c2["server_cpu"])
        print(
            f"{name:<22} {r['first']['wall']:>8.1f}s {c2['wall']:>8.1f}s {rate:>9.0f} "
            f"{per * c2['cpu']:>7.2f} {pg_cpu:>6} {per * c2['server_cpu']:>7.2f} {total:>6.2f} "
            f"{timed:>10} {art:>8} {rss:>8.0f}"
        )
    print(
        "\nworker: the fetch processes' CPU (their parse threads included); PG: the "
        "PostgreSQL server's (all its processes); server: the loopback feed server's."
    )
    cores = os.cpu_count() or 1
    for name, r in rows:
        c2 = r["second"]
        total = c2["cpu"] + (c2["pg_cpu"] or 0) + c2["server_cpu"]
        if c2["pg_cpu"] is not None or name.startswith("SQLite"):
            ceiling = cores * c2["fetched"] / max(total, 1e-9)
            print(
                f"{name}: {1000 * total / max(c2['fetched'], 1):.2f} ms CPU per feed over all "
                f"processes: at most {ceiling:.0f} feeds/s on this machine's {cores} cores"
            )
    pg = {name: r for name, r in rows if name.startswith("PostgreSQL")}
    one = pg.get("PostgreSQL, 1 fetch")
    four = pg.get("PostgreSQL, 4 fetch")
    if one and four:
        speed = (four["second"]["fetched"] / four["second"]["wall"]) / (
            one["second"]["fetched"] / one["second"]["wall"]
        )
        print(f"\n4 fetch workers / 1: {speed:.2f}x fetch throughput (target >= 2.5x)")
    sqlite = rows[0][1]
    if one:
        ratio = one["second"]["wall"] / sqlite["second"]["wall"]
        print(f"PostgreSQL 1 worker / SQLite cycle 2 wall: {ratio:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
