"""Fetch benchmark: 1,000 feeds x 50 items served from loopback.

Measures, in the same run and against the same server:
  full   collect() over every source concurrently under the fetch caps, everything new
  304    the same again with the ETags from the first cycle: every feed answers 304
  naive  `feedparser.parse(url)` one feed after another, as simple bots do (no ETag kept,
         so every naive cycle is a full download and parse)

The server runs in its own process (asyncio, keep-alive, gzip when asked) and listens on 8
loopback addresses (127.0.0.2-9) so the per-host cap behaves as it would across outlets.
It can hold each response back by --latency seconds, standing in for what separates a real
outlet from us (DNS, TCP/TLS handshakes, server time); it applies to both approaches alike.
Each approach runs in a fresh process: CPU seconds are user+sys of that process and its
parse workers; peak memory is its ru_maxrss (plus the largest parse worker's, if any).

Storage is not included: bot/pipeline.py (Pipeline.fetch_cycle) did not exist when this was
written, so "known" is an in-memory set of item keys.

    .venv/bin/python bench/fetch.py [--feeds 1000] [--items 50] [--latency 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
import multiprocessing as mp
import resource
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HOSTS = [f"127.0.0.{n}" for n in range(2, 10)]
PARA = (
    "Paragraph {k} of story {j} in feed {i}: the council met on Tuesday to discuss the harbour "
    "plan, and members asked for more details about costs, timing and the effect on crews."
)


def make_feed(i: int, items: int, host: str, port: int) -> bytes:
    base = f"http://{host}:{port}/feed/{i}"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>',
        f"<title>Outlet {i}</title><link>{base}/</link><ttl>15</ttl>",
    ]
    for j in range(items):
        body = "".join(f"<p>{PARA.format(i=i, j=j, k=k)}</p>" for k in range(5))
        parts.append(
            f"<item><title>Outlet {i} story {j}: officials discuss the harbour plan</title>"
            f"<link>{base}/story-{j}-harbour-plan</link><guid isPermaLink='false'>o{i}-s{j}</guid>"
            f"<pubDate>Mon, 02 Sep 2024 10:{j % 60:02d}:00 GMT</pubDate>"
            f"<description>Summary of story {j}.</description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


# --- the server process ---------------------------------------------------------------


def serve(port_out: Connection, feeds: int, items: int, latency: float) -> None:
    asyncio.run(_serve(port_out, feeds, items, latency))


async def _serve(port_out: Connection, feeds: int, items: int, latency: float) -> None:
    servers = []
    port = 0
    bodies: dict[str, tuple[bytes, bytes, str]] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                if latency:
                    await asyncio.sleep(latency)
                found = bodies.get(path)
                if found is None:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    continue
                plain, packed, etag = found
                if headers.get("if-none-match") == etag:
                    writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n\r\n".encode())
                    await writer.drain()
                    continue
                use_gzip = "gzip" in headers.get("accept-encoding", "")
                body = packed if use_gzip else plain
                writer.write(
                    (
                        "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
                        f"Content-Length: {len(body)}\r\nETag: {etag}\r\n"
                        + ("Content-Encoding: gzip\r\n" if use_gzip else "")
                        + "\r\n"
                    ).encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    for host in HOSTS:
        srv = await asyncio.start_server(handle, host, port, backlog=1024)
        port = srv.sockets[0].getsockname()[1]
        servers.append(srv)
    for i in range(feeds):
        plain = make_feed(i, items, HOSTS[i % len(HOSTS)], port)
        etag = '"' + hashlib.sha1(plain).hexdigest()[:16] + '"'
        bodies[f"/feed/{i}.xml"] = (plain, gzip.compress(plain, 6), etag)
    port_out.send(port)
    await asyncio.Event().wait()


def feed_urls(feeds: int, port: int) -> list[str]:
    return [f"http://{HOSTS[i % len(HOSTS)]}:{port}/feed/{i}.xml" for i in range(feeds)]


# --- the measured processes -----------------------------------------------------------


def _usage() -> tuple[float, float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    return cpu, me.ru_maxrss / 1024, kids.ru_maxrss / 1024


def run_ours(out: Connection, urls: list[str], workers: int) -> None:
    from bot.models import Source
    from bot.sources.http import FetchSettings

    settings = replace(FetchSettings(), allow_private=True, parse_workers=workers)
    sources = [Source(id=f"s{i}", url=u) for i, u in enumerate(urls)]
    out.send(asyncio.run(_ours(sources, settings)))


async def _ours(sources: list[Any], settings: Any) -> dict[str, Any]:
    from bot.core.identity import item_key
    from bot.sources.collect import collect
    from bot.sources.http import Fetcher

    known: set[str] = set()
    tags: dict[str, str | None] = {}
    results: dict[str, Any] = {}
    for phase in ("full", "304"):
        cpu0, _, _ = _usage()
        t0 = time.perf_counter()
        new = not_modified = errors = 0
        async with Fetcher(settings) as fetcher:
            now = datetime.now(UTC)
            tasks = [
                collect(fetcher, s, tags.get(s.id), None, now, known.__contains__) for s in sources
            ]
            # Each outcome is handed on as it completes (as a fetch cycle stores it), so
            # items of finished sources are not all held at once.
            for done in asyncio.as_completed(tasks):
                o = await done
                tags[o.source_id] = o.etag
                known.update(item_key(i) for i in o.items)
                new += len(o.items)
                not_modified += o.not_modified
                errors += o.error is not None
        wall = time.perf_counter() - t0
        cpu1, rss, kid_rss = _usage()
        results[phase] = {
            "wall": wall,
            "cpu": cpu1 - cpu0,
            "rss": rss,
            "worker_rss": kid_rss,
            "new": new,
            "not_modified": not_modified,
            "errors": errors,
        }
    return results


def run_naive(out: Connection, urls: list[str]) -> None:
    import feedparser

    cpu0, _, _ = _usage()
    t0 = time.perf_counter()
    entries = errors = 0
    for url in urls:
        d = feedparser.parse(url)
        entries += len(d.entries)
        errors += int(not d.entries)
    wall = time.perf_counter() - t0
    cpu1, rss, _ = _usage()
    out.send({"wall": wall, "cpu": cpu1 - cpu0, "rss": rss, "new": entries, "errors": errors})


def in_process(target: Any, *args: Any) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    here, there = ctx.Pipe()
    proc = ctx.Process(target=target, args=(there, *args))
    proc.start()
    result: dict[str, Any] = here.recv()
    proc.join()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--latency", type=float, default=0.1, help="seconds held per response")
    ap.add_argument("--workers", type=int, default=2, help="fetch.parse_workers for ours")
    ap.add_argument("--naive", type=int, default=0, help="naive feeds measured (0: all)")
    args = ap.parse_args()

    ctx = mp.get_context("spawn")
    here, there = ctx.Pipe()
    server = ctx.Process(target=serve, args=(there, args.feeds, args.items, args.latency))
    server.start()
    try:
        port = here.recv()
        urls = feed_urls(args.feeds, port)
        ours = in_process(run_ours, urls, args.workers)
        sample = urls[: args.naive] if args.naive else urls
        naive = in_process(run_naive, sample)
    finally:
        server.terminate()
        server.join()
    scale = len(urls) / len(sample)
    naive_wall, naive_cpu = naive["wall"] * scale, naive["cpu"] * scale
    print(
        f"fetch bench: {args.feeds} feeds x {args.items} items on {len(HOSTS)} loopback hosts, "
        f"{args.latency * 1000:.0f} ms held per response, {mp.cpu_count()} cores"
    )
    print(
        f"settings: concurrency 32, per_host 4, parse_workers {args.workers}; "
        "storage not included (no Pipeline.fetch_cycle yet)"
    )
    print(
        f"{'cycle':<22}{'wall s':>9}{'cpu s':>9}{'peak MB':>10}{'items':>8}{'304s':>6}{'errors':>7}"
    )
    for name in ("full", "304"):
        r = ours[name]
        peak = f"{r['rss']:.0f}+{r['worker_rss']:.0f}w" if args.workers else f"{r['rss']:.0f}"
        print(
            f"{'ours ' + name:<22}{r['wall']:>9.2f}{r['cpu']:>9.2f}{peak:>10}"
            f"{r['new']:>8}{r['not_modified']:>6}{r['errors']:>7}"
        )
    label = "naive" + (f" ({len(sample)} measured, x{scale:g})" if scale != 1 else "")
    print(
        f"{label:<22}{naive_wall:>9.2f}{naive_cpu:>9.2f}{naive['rss']:>10.0f}"
        f"{int(naive['new'] * scale):>8}{'-':>6}{int(naive['errors'] * scale):>7}"
    )
    print(
        f"speed-up over naive: full cycle {naive_wall / ours['full']['wall']:.1f}x, "
        f"all-304 cycle {naive_wall / ours['304']['wall']:.1f}x "
        "(naive keeps no ETag: each of its cycles is a full one)"
    )
    peak_total = max(r["rss"] + args.workers * r["worker_rss"] for r in ours.values())
    print(
        f"targets: full <= 60 s {'ok' if ours['full']['wall'] <= 60 else 'MISSED'}, "
        f"all-304 <= 5 s {'ok' if ours['304']['wall'] <= 5 else 'MISSED'}, "
        f"peak <= 300 MB {'ok' if peak_total <= 300 else 'MISSED'}"
        f" (main + {args.workers} workers), "
        f">= 10x naive {'ok' if naive_wall / ours['full']['wall'] >= 10 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
