"""A real HTTP server on 127.0.0.1 that serves the source fixtures and misbehaves on purpose.

Routes:
  /f/<file>           a fixture file, with ETag + Last-Modified, answering 304 when they match
  /1256/<file>        a fixture re-encoded to windows-1256, served as charset=utf-8 (a lie)
  /1251/<file>        a fixture re-encoded to windows-1251 with no charset in the header
  /as/<type>/<file>   a fixture served under another content type
  /status/<code>      that status (429 and 503 with Retry-After)
  /slow               headers only after `slow_seconds`
  /delay/<s>          a whole answer after s seconds
  /endless            a body that never ends
  /bomb               a gzip bomb (64 MB of zeros in ~64 KB)
  /loop/a, /loop/b    a redirect loop; /hop/<n> n redirects in a row, then a feed
  /listing            a listing page whose links move on by one article at every poll
  /article/<n>        the article page a listing links to
  /articles/<n>.html, /world/<slug>   article pages of a generic template (listing_structured)
  /thin/<count>       a feed of <count> teaser items (ETag: 304 once seen), pages /world/thin-<n>
  /flip               a feed whose item GUIDs change at every poll (#0, #1, ...), links do not
  /flaky/<name>       503 at the first request for <name>, the article page after that
  /mixed              a feed (304 once seen) of teasers whose pages are /flaky/a, /status/503
                      (always) and /status/404
  /gz/<file>          a fixture gzip-compressed
"""

from __future__ import annotations

import gzip
import hashlib
import time
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.loopback import LoopbackServer

DATA = Path(__file__).parent.parent / "data" / "sources"
TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml", ".html": "text/html"}
LAST_MODIFIED = "Mon, 02 Sep 2024 08:00:00 GMT"


def to_cp1256(text: str) -> bytes:
    """windows-1256 has no Arabic-Indic digits: pages in it write Western ones."""
    text = text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
    return text.replace('charset="utf-8"', 'charset="windows-1256"').encode("cp1256")


def _bomb() -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    return b"".join(z.compress(block) for _ in range(64)) + z.flush()


BOMB = _bomb()


class Handler(BaseHTTPRequestHandler):
    server: MisbehavingServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1  # one handler per TCP connection: keep-alive shows here

    def do_GET(self) -> None:
        self.server.hits[self.path.split("?")[0]] += 1
        parts = self.path.split("?")[0].strip("/").split("/")
        route = getattr(self, "route_" + parts[0], None)
        if route is None:
            self.send(404, b"not here", "text/plain")
        else:
            route(*parts[1:])

    def send(self, status: int, body: bytes, ctype: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def route_ua(self) -> None:
        self.send(200, self.headers.get("User-Agent", "").encode(), "text/plain")

    def route_f(self, name: str) -> None:
        if not (DATA / name).is_file():
            self.send(404, b"no such fixture", "text/plain")
            return
        body = (DATA / name).read_bytes().replace(b"{{base}}", self.server.base.encode())
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        sent_etag = self.headers.get("If-None-Match")
        sent_date = self.headers.get("If-Modified-Since")
        if sent_etag == etag or (sent_date == LAST_MODIFIED and not sent_etag):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "max-age=600")
            self.end_headers()
            return
        ctype = TYPES.get(Path(name).suffix, "application/octet-stream") + "; charset=utf-8"
        cache = {"Last_Modified": LAST_MODIFIED, "Cache_Control": "max-age=600"}
        self.send(200, body, ctype, ETag=etag, **cache)

    def _fixture_text(self, name: str) -> str:
        return (DATA / name).read_text(encoding="utf-8").replace("{{base}}", self.server.base)

    def route_1256(self, name: str) -> None:
        text = self._fixture_text(name).replace('encoding="utf-8"', 'encoding="windows-1256"')
        ctype = TYPES.get(Path(name).suffix, "text/html") + "; charset=utf-8"
        self.send(200, to_cp1256(text), ctype)

    def route_1251(self, name: str) -> None:
        text = self._fixture_text(name).replace('encoding="utf-8"', 'encoding="windows-1251"')
        self.send(200, text.encode("cp1251"), "text/xml")

    def route_as(self, kind: str, sub: str, name: str) -> None:
        self.send(200, self._fixture_text(name).encode(), f"{kind}/{sub}")

    def route_gz(self, name: str) -> None:
        body = gzip.compress(self._fixture_text(name).encode())
        self.send(200, body, TYPES.get(Path(name).suffix, "text/html"), Content_Encoding="gzip")

    def route_status(self, code: str) -> None:
        extra = {}
        if code == "429":
            extra["Retry_After"] = "120"
        elif code == "503":
            extra["Retry_After"] = "Wed, 21 Oct 2099 07:28:00 GMT"
        self.send(int(code), b"<html><body>busy</body></html>", "text/html", **extra)

    def route_slow(self) -> None:
        time.sleep(self.server.slow_seconds)
        self.send(200, b"<rss version='2.0'><channel></channel></rss>", "application/rss+xml")

    def route_delay(self, seconds: str) -> None:
        time.sleep(float(seconds))
        self.send(200, b"late but whole", "text/plain")

    def route_endless(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"<item><title>again and again</title></item>" * 1000
        try:
            while True:
                self.wfile.write(chunk)
        except OSError:
            return

    def route_bomb(self) -> None:
        self.send(200, BOMB, "application/rss+xml", Content_Encoding="gzip")

    def route_loop(self, which: str) -> None:
        self.send(302, b"", "text/plain", Location="/loop/" + ("b" if which == "a" else "a"))

    def route_hop(self, n: str) -> None:
        left = int(n)
        target = f"/hop/{left - 1}" if left > 1 else "/f/feed_en.xml"
        self.send(301, b"", "text/plain", Location=target)

    def route_listing(self) -> None:
        poll = self.server.listing_polls
        self.server.listing_polls += 1
        html = self._fixture_text("listing.html")
        items = "".join(
            f'<li><a class="headline" href="/article/{n}?utm_source=home">Article {n}</a></li>'
            for n in range(poll + 3, poll, -1)
        )
        self.send(200, html.replace("{{items}}", items).encode(), "text/html; charset=utf-8")

    def _generic_article(self, title: str) -> None:
        html = self._fixture_text("article_generic.html").replace("{{title}}", title)
        self.send(200, html.encode(), "text/html; charset=utf-8")

    def route_articles(self, name: str) -> None:
        self._generic_article("Article " + name.removesuffix(".html"))

    def route_world(self, slug: str) -> None:
        self._generic_article("World " + slug)

    def _feed(self, items: list[tuple[str, str, str]], etag: str) -> None:
        """An RSS feed of (guid, link path, title) teasers, answering 304 to its ETag."""
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        body = "".join(
            f"<item><title>{title}</title><link>{self.server.base}{path}</link>"
            f'<guid isPermaLink="false">{guid}</guid><description>A teaser.</description></item>'
            for guid, path, title in items
        )
        rss = f"<rss version='2.0'><channel><title>Thin</title>{body}</channel></rss>"
        self.send(200, rss.encode(), "application/rss+xml", ETag=etag)

    def route_thin(self, count: str) -> None:
        items = [(f"thin-{n}", f"/world/thin-{n}", f"Thin item {n}") for n in range(int(count))]
        self._feed(items, f'"thin-{count}"')

    def route_flip(self) -> None:
        poll = self.server.flip_polls
        self.server.flip_polls += 1
        items = [
            (f"story-{n}#{poll}", f"/world/flip-{n}?utm_source=rss", f"Flip {n}") for n in (1, 2)
        ]
        self._feed(items, f'"flip-{poll}"')

    def route_flaky(self, name: str) -> None:
        if self.server.hits["/flaky/" + name] == 1:
            self.send(503, b"try later", "text/plain")
        else:
            self._generic_article("Flaky " + name)

    def route_mixed(self) -> None:
        items = [
            ("m-flaky", "/flaky/a", "Flaky page"),
            ("m-down", "/status/503", "Page always down"),
            ("m-gone", "/status/404", "Page gone"),
        ]
        self._feed(items, '"mixed"')

    def route_article(self, n: str) -> None:
        html = self._fixture_text("article_template.html").replace("{{n}}", n)
        self.send(200, html.encode(), "text/html; charset=utf-8")


class MisbehavingServer(LoopbackServer):
    """Clients hang up on /endless and /slow on purpose (LoopbackServer keeps quiet)."""

    def __init__(self, slow_seconds: float = 3.0) -> None:
        super().__init__(Handler)
        self.slow_seconds = slow_seconds
        self.listing_polls = 0
        self.flip_polls = 0
        self.hits: Counter[str] = Counter()
        self.connections = 0

    def url(self, path: str) -> str:
        return self.base + path
