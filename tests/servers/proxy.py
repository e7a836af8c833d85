"""A tiny forwarding HTTP proxy on loopback (plain http targets only, one request per
connection), counting what went through it: enough to see that a source's requests take
its proxy and no other source's do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit


class Proxy:
    def __init__(self) -> None:
        self.seen: list[str] = []  # absolute URLs asked for, in order
        self.headers: list[dict[str, str]] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            line, *rest = head.decode("latin-1").split("\r\n")
            method, url, _ = line.split(" ", 2)
            headers = dict(h.split(": ", 1) for h in rest if ": " in h)
            self.seen.append(url)
            self.headers.append(headers)
            target = urlsplit(url)
            up_reader, up_writer = await asyncio.open_connection(target.hostname, target.port)
            path = target.path + (f"?{target.query}" if target.query else "")
            kept = {
                k: v
                for k, v in headers.items()
                if k.lower() not in ("connection", "proxy-connection", "keep-alive")
            }
            lines = [f"{method} {path or '/'} HTTP/1.1", *(f"{k}: {v}" for k, v in kept.items())]
            up_writer.write(("\r\n".join([*lines, "Connection: close", "", ""])).encode("latin-1"))
            await up_writer.drain()
            answer = await up_reader.read()  # the target closes after one answer
            up_writer.close()
            writer.write(answer)
            await writer.drain()
        finally:
            writer.close()


@asynccontextmanager
async def proxying() -> AsyncIterator[tuple[str, Proxy]]:
    """A running proxy in the test's loop: (its URL, its record)."""
    proxy = Proxy()
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", proxy
    finally:
        server.close()
        await server.wait_closed()
