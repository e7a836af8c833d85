"""A loopback site for the source-management tests: two small RSS feeds of invented outlets,
a web front page (not a feed) and a 404, served on 127.0.0.1; and a configuration that names
one of the feeds."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.loopback import LoopbackServer


def _rss(title: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{{base}}/a/{slug}</link><guid>{slug}</guid>"
        f"<description>{t}. Reported from the quay at dawn by our own desk.</description>"
        "<pubDate>Mon, 07 Dec 2026 02:00:00 GMT</pubDate></item>"
        for slug, t in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>{{base}}/</link>{entries}</channel></rss>"
    ).encode()


PAGES: dict[str, tuple[str, bytes]] = {
    "/courier.xml": (
        "application/rss+xml",
        _rss(
            "Dune Courier",
            [("c1", "Caravan road reopens after the sandstorm"), ("c2", "Well diggers find water")],
        ),
    ),
    "/saltpost.xml": (
        "application/rss+xml",
        _rss("Salt Flats Post", [("p1", "Salt harvest doubles in the northern flats")]),
    ),
    "/front.html": (
        "text/html; charset=utf-8",
        b"<!doctype html><html><head><title>Salt Flats Post</title></head>"
        b"<body><h1>Salt Flats Post</h1><p>Front page of an invented outlet.</p></body></html>",
    ),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        found = PAGES.get(self.path)
        if found is None:
            self.send_error(404)
            return
        content_type, body = found
        base = f"http://{self.headers.get('Host')}"
        body = body.replace(b"{base}", base.encode())
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def site() -> LoopbackServer:
    return LoopbackServer(_Handler)


def write_config(folder: Path, base: str, extra: str = "") -> Path:
    """newswatch.yaml in `folder`: no rules, loopback allowed, the courier feed configured."""
    path = folder / "newswatch.yaml"
    path.write_text(
        "database: nw.db\n"
        "rules: []\n"
        "fetch: {allow_private: true, read_timeout: 2}\n"
        "sources:\n"
        f"  - {{id: courier, url: '{base}/courier.xml'{extra}}}\n",
        encoding="utf-8",
    )
    return path


def write_opml(folder: Path, base: str) -> Path:
    path = folder / "subs.opml"
    path.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>'
        f'<outline type="rss" text="Salt Flats Post" xmlUrl="{base}/saltpost.xml"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    return path
