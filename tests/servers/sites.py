"""Invented little websites on loopback for discovery tests: each a LoopbackServer serving a
table of path → (status, content type, body); anything else is a 404. Every request's
path is recorded, so a test can say what discovery asked for."""

from __future__ import annotations

from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler

from tests.loopback import LoopbackServer

Page = tuple[int, str, str]
RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"


class Site(LoopbackServer):
    def __init__(self, pages: Mapping[str, Page]) -> None:
        self.pages = dict(pages)
        self.asked: list[str] = []
        super().__init__(_Handler)


class _Handler(BaseHTTPRequestHandler):
    server: Site

    def do_GET(self) -> None:
        self.server.asked.append(self.path)
        status, ctype, body = self.server.pages.get(self.path, (404, HTML, "<p>no such page</p>"))
        data = body.replace("{base}", self.server.base).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


def rss(title: str, lang: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 document of (title, path, RFC 822 date) items."""
    body = "".join(
        f"<item><title>{t}</title><link>{{base}}{p}</link><guid>{{base}}{p}</guid>"
        f"<pubDate>{d}</pubDate><description>{t}.</description></item>"
        for t, p, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>{{base}}/</link><language>{lang}</language>{body}"
        "</channel></rss>"
    )


def home(title: str, lang: str, head: str = "", links: int = 4) -> str:
    """A front page: `head` in its <head>, a list of `links` headline links."""
    items = "".join(
        f'<li><a href="/2026/12/0{n}/harbour-council-meets-on-story-{n}.html">'
        f"The harbour council meets again over the shipping lanes, part {n}</a></li>"
        for n in range(1, links + 1)
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><title>{title}</title>{head}</head><body>'
        '<nav><a href="/">Home</a><a href="/about">About</a></nav>'
        f'<main><ul class="latest">{items}</ul></main></body></html>'
    )


def news_sitemap(lang: str, entries: list[tuple[str, str, str]]) -> str:
    """A news sitemap of (path, title, ISO date) entries."""
    urls = "".join(
        f"<url><loc>{{base}}{p}</loc><news:news><news:publication><news:name>Pardis</news:name>"
        f"<news:language>{lang}</news:language></news:publication>"
        f"<news:publication_date>{d}</news:publication_date><news:title>{t}</news:title>"
        "</news:news></url>"
        for p, t, d in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    )


def sitemap_index(paths: list[str]) -> str:
    maps = "".join(f"<sitemap><loc>{{base}}{p}</loc></sitemap>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>'
    )
