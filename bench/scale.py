"""Scale benchmark: one SQLite process beside 1, 2 and 4 fetch worker processes on PostgreSQL.

5,000 loopback feeds (each response held --latency seconds, 8 loopback addresses so the
per-host cap behaves as across outlets). Cycle 1 finds every feed new; before cycle 2 a
fifth of the feeds get new items, the rest answer 304 to their ETag. Each configuration
runs on a fresh database through the code the roles run: workers lease due sources in
batches (`lease_sources`, on SQLite as on PostgreSQL), fetch and store them with
Pipeline.fetch_cycle(analyse=False), until none is left. Then one process matches and
groups the first --analyse stored articles (2,000 of the 50,000 by default, into an empty
story index, as the analyse role takes what the workers stored), timed apart: on SQLite and
on the first PostgreSQL configuration only, since every configuration stores the same
articles. All 50,000 at today's analysis speed would take most of an hour, and the
fetch figures are what this bench is for; the art/s column is for that sample.

Columns: cycle wall times, fetch throughput of cycle 2 (feeds per second), the fetch
workers' CPU per feed in cycle 2 (all workers' CPU seconds over the feeds fetched: what
decides how far more workers can scale on a given number of cores), articles per second
through analysis, and the peak RSS of the largest worker process (parse pool processes not
included).

Each worker also prints its CPU seconds against its wall time and its time in lease_sources
and release_sources (with the load average): a worker near 100% of its wall (or below it
only because the machine is loaded) is CPU-bound, and more workers help only with more
cores. BENCH_PROFILE=bench-0 prints that worker's cProfile (by own time) on stderr (the
profiler itself about doubles the CPU per feed).

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


async def _serve(control: Connection, feeds: int, items: int, latency: float) -> None:
    """Feeds at /feed/N.xml; on "advance" a fifth of them take a new version (new items)."""
    version = [0] * feeds
    cache: dict[tuple[int, int], bytes] = {}
    port = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                path = head.split(" ", 2)[1]
                await asyncio.sleep(latency)
                i = int(path.rsplit("/", 1)[-1].split(".")[0]) if path.startswith("/feed/") else -1
                if not 0 <= i < feeds:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    continue
                etag = f'"{i}-{version[i]}"'
                if f"if-none-match: {etag}" in head.lower():
                    writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n\r\n".encode())
                    continue
                key = (i, version[i])
                if key not in cache:
                    cache[key] = gzip.compress(feed_body(i, version[i], items, port), 5)
                body = cache[key]
                writer.write(
                    (
                        "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                        f"Content-Encoding: gzip\r\nContent-Length: {len(body)}\r\n"
                        f"ETag: {etag}\r\n\r\n"
                    ).encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    for host in HOSTS:
        srv = await asyncio.start_server(handle, host, port, backlog=2048)
        port = srv.sockets[0].getsockname()[1]
    control.send(port)
    loop = asyncio.get_running_loop()
    generation = 0
    while True:
        await loop.run_in_executor(None, control.recv)
        generation += 1
        for i in range(feeds):
            if i % 5 == generation % 5:
                version[i] = generation
        control.send("ok")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fetch_worker(out: Connection, db: str, name: str, cycle_start: str) -> None:
    """One fetch worker: lease a batch, fetch and store it, until nothing is due."""
    asyncio.run(_fetch_worker(out, db, name, datetime.fromisoformat(cycle_start)))


async def _fetch_worker(out: Connection, db: str, name: str, start: datetime) -> None:
    from bot.app.ingest import Pipeline
    from bot.config import load_config
    from bot.core.rules import parse_rules
    from bot.sources.http import Fetcher, FetchSettings
    from bot.store import open_store

    settings = load_config(None, env={"NEWSWATCH_FETCH_ALLOW_PRIVATE": "true"}).settings
    store = open_store(db)
    pipeline = Pipeline(store, parse_rules([("b.yaml", RULES)]), settings, rebuild=False)
    sources = {s.id: s for s in store.stored_sources()}
    batch = 2 * settings.fetch.concurrency
    fetched = new = 0
    lease_s = 0.0
    t0, cpu0 = time.perf_counter(), time.process_time()
    profile = None
    if os.environ.get("BENCH_PROFILE") == name:
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    async with Fetcher(FetchSettings.from_settings(settings.fetch)) as fetcher:
        while True:
            t = time.perf_counter()
            ids = store.lease_sources(name, list(sources), start, start + timedelta(hours=1), batch)
            lease_s += time.perf_counter() - t
            if not ids:
                break
            now = datetime.now(UTC)
            reports = await pipeline.fetch_cycle(fetcher, [sources[i] for i in ids], now, False)
            t = time.perf_counter()
            store.release_sources(name, ids)
            lease_s += time.perf_counter() - t
            fetched += len(ids)
            new += sum(r.new for r in reports)
    if profile is not None:
        import pstats

        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    store.close()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    out.send(
        {
            "wall": wall,
            "fetched": fetched,
            "new": new,
            "rss": _rss_mb(),
            "cpu": cpu,
            "lease": lease_s,
        }
    )


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


def run_cycle(db: str, workers: int) -> dict[str, Any]:
    start = datetime.now(UTC).isoformat()
    t0 = time.perf_counter()
    running = [_spawn(fetch_worker, db, f"bench-{n}", start) for n in range(workers)]
    results = [conn.recv() for _, conn in running]
    for proc, _ in running:
        proc.join()
    wall = time.perf_counter() - t0
    for n, r in enumerate(results):
        print(
            f"  {workers} worker(s), #{n}: {r['fetched']} feeds in {r['wall']:.1f}s, "
            f"CPU {r['cpu']:.1f}s ({100 * r['cpu'] / r['wall']:.0f}% of its wall), "
            f"leasing {r['lease']:.1f}s; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    return {
        "wall": wall,
        "fetched": sum(r["fetched"] for r in results),
        "new": sum(r["new"] for r in results),
        "rss": max(r["rss"] for r in results),
        "cpu": sum(r["cpu"] for r in results),
    }


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
    first = run_cycle(db, workers)
    control.send("advance")
    control.recv()
    make_due(db)
    second = run_cycle(db, workers)
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
        f"{'CPU ms/feed':>11} {'analysis':>10} {'art/s':>8} {'peak MB':>8}"
    )
    print(head)
    print("-" * len(head))
    for name, r in rows:
        c2 = r["second"]
        rate = c2["fetched"] / c2["wall"]
        done = r["analysis"]
        rss = max(r["first"]["rss"], c2["rss"], done["rss"] if done else 0)
        timed = "-" if done is None else f"{done['wall']:.1f}s"
        art = "-" if done is None else f"{done['articles'] / max(done['wall'], 1e-9):.0f}"
        cpu = 1000 * c2["cpu"] / max(c2["fetched"], 1)
        print(
            f"{name:<22} {r['first']['wall']:>8.1f}s {c2['wall']:>8.1f}s {rate:>9.0f} "
            f"{cpu:>11.2f} {timed:>10} {art:>8} {rss:>8.0f}"
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
