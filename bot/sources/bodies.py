"""Bounded bodies: a response's bytes read and inflated without ever holding more than the cap.

Bodies are read raw and inflated here with a bounded zlib decompressor, because httpx's own
decoder can inflate tens of megabytes out of one small read of a gzip bomb before any check
between chunks could see it. Bodies we do not use are drained so their connection is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import Mapping

import httpx

from bot.sources.errors import FetchError, TooLarge


class Inflater:
    """Bounded decoding of one Content-Encoding: output never exceeds `limit` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self.encoding = encoding
        self._d: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._d = zlib.decompressobj(zlib.MAX_WBITS)
        elif encoding not in ("", "identity"):
            raise FetchError(f"unsupported content-encoding {encoding!r}")
        self._first = True

    def feed(self, chunk: bytes) -> None:
        if self._d is None:
            self._add(chunk)
            return
        data = chunk
        while data:
            try:
                out = self._d.decompress(data, self.limit - self.size + 1)
            except zlib.error:
                if self.encoding == "deflate" and self._first:  # raw deflate, no zlib header
                    self._d, self._first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise FetchError(f"corrupt {self.encoding} body") from None
            self._first = False
            self._add(out)
            data = self._d.unconsumed_tail
            if self._d.eof and self._d.unused_data.strip(b"\0"):  # concatenated gzip members
                data = self._d.unused_data
                self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _add(self, out: bytes) -> None:
        self.size += len(out)
        if self.size > self.limit:
            raise TooLarge(f"body over {self.limit} bytes once decompressed")
        self.parts.append(out)

    def body(self) -> bytes:
        if self._d is not None:
            self._add(self._d.flush())
        return b"".join(self.parts)


DRAIN_BYTES = 65_536
DRAIN_SECONDS = 2.0


async def drain(resp: httpx.Response, h: Mapping[str, str]) -> None:
    """Read the small body of an answer we do not use (304, redirect, error page) so that its
    connection goes back to the pool: closing a response with unread bytes closes the socket,
    and an all-304 cycle would then pay a new connection for every feed. Bodies that are
    large, of unknown length or slow are not waited for: the connection is dropped instead."""
    declared = h.get("content-length", "")
    if resp.status_code not in (204, 304) and not (
        declared.isdigit() and int(declared) <= DRAIN_BYTES
    ):
        return
    with contextlib.suppress(httpx.HTTPError, TimeoutError):
        async with asyncio.timeout(DRAIN_SECONDS):
            async for _ in resp.aiter_raw():
                pass


async def read_body(resp: httpx.Response, h: Mapping[str, str], limit: int) -> bytes:
    """The body, inflated, refused as soon as it passes `limit` bytes (raw or inflated)."""
    declared = h.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"declared length {declared} over {limit} bytes")
    encodings = [e.strip().lower() for e in h.get("content-encoding", "").split(",")]
    encodings = [e for e in encodings if e and e != "identity"]
    if len(encodings) > 1:
        raise FetchError("stacked content-encodings refused")
    inflater = Inflater(encodings[0] if encodings else "", limit)
    raw = 0
    async for chunk in resp.aiter_raw():
        raw += len(chunk)
        if raw > limit:
            raise TooLarge(f"body over {limit} bytes")
        inflater.feed(chunk)
    return inflater.body()
