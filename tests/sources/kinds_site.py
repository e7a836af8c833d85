"""A loopback site for the telegram, sitemap and jsonfeed kinds, in three stages of its life.

Stage 1 and 2 serve the same content (the second poll finds nothing new), stage 3 one more
item of each kind (and, on the channel, post 202 deleted and 203 edited). Every answer
carries an ETag and honours If-None-Match, so conditional requests are exercised as they
are on a real site. `requests` records each path with its query string.

Routes:
  /s/qawsnews[?before=201]        the channel preview (newest page, or the older one)
  /s/nosuchchannel, /qawsnews     what t.me shows for a name that is no public channel, and
                                  at a channel's address without /s/
  /sitemap_index.xml              an index: news.xml (recent) and 2019-03.xml (old)
  /sitemaps/news.xml              the news sitemap (one more URL at stage 3)
  /feed.json                      the JSON Feed (one more item at stage 3)
  /bad/truncated.json             the JSON Feed cut in the middle
  /bad/not-a-feed.json            JSON, but not a JSON Feed
  /bad/sitemap-error              a 200 HTML error page where the sitemap should be
  /bad/huge-sitemap.xml           a news sitemap of 1,500 URLs (read capped at 1,000)
  /bad/enormous-sitemap.xml       a news sitemap larger than the fetch cap
  /sitemaps/plain.xml.gz          a plain sitemap (lastmod only), a gzipped file
  /bad/bomb.xml.gz                a gzipped file of 20 MB of zeros
  anything in articles.json       an article page
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from aiohttp import web

DATA = Path(__file__).parent.parent / "data" / "kinds"
TYPES = {".html": "text/html", ".xml": "application/xml", ".json": "application/feed+json"}


def fixture(name: str, base: str) -> str:
    return (DATA / name).read_text(encoding="utf-8").replace("{{base}}", base)


def article_page(path: str) -> str | None:
    articles: dict[str, Any] = json.loads((DATA / "articles.json").read_text(encoding="utf-8"))
    a = articles.get(path)
    if a is None:
        return None
    body = "\n".join(f"<p>{p}</p>" for p in a["paragraphs"])
    page = (DATA / "article.html").read_text(encoding="utf-8")
    direction = "rtl" if a["lang"] in ("ar", "fa") else "ltr"
    for key, value in {**a, "body": body, "dir": direction}.items():
        if isinstance(value, str):
            page = page.replace("{{" + key + "}}", value)
    return page


def huge_sitemap(base: str, count: int) -> str:
    urls = "".join(
        f"<url><loc>{base}/akhbar/bulk/{n}.html</loc><news:news><news:publication>"
        "<news:name>Anba</news:name><news:language>ar</news:language></news:publication>"
        "<news:publication_date>2026-12-06T10:00:00Z</news:publication_date>"
        f"<news:title>خبر رقم {n}</news:title></news:news></url>\n"
        for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + urls + "</urlset>\n"
    )


class KindsSite:
    def __init__(self) -> None:
        self.stage = 1
        self.base = ""
        self.requests: list[str] = []

    def content(self, path: str, query: str) -> tuple[int, str | bytes, str]:
        """(status, body, content type) of a request."""
        later = self.stage >= 3
        if path == "/s/qawsnews":
            name = (
                "channel_older.html"
                if query == "before=201"
                else ("channel_later.html" if later else "channel_newest.html")
            )
            return 200, fixture(name, self.base), "text/html; charset=utf-8"
        if path in ("/s/nosuchchannel", "/qawsnews"):  # t.me/<name>: no posts either
            return 200, fixture("channel_none.html", self.base), "text/html; charset=utf-8"
        fixed = {
            "/sitemap_index.xml": "sitemap_index.xml",
            "/sitemaps/news.xml": "sitemap_news_more.xml" if later else "sitemap_news.xml",
            "/feed.json": "feed_more.json" if later else "feed.json",
            "/bad/sitemap-error": "sitemap_error.html",
        }
        if path in fixed:
            name = fixed[path]
            return 200, fixture(name, self.base), TYPES[Path(name).suffix]
        if path == "/bad/truncated.json":
            whole = fixture("feed.json", self.base)
            return 200, whole[: len(whole) // 2], "application/feed+json"
        if path == "/bad/not-a-feed.json":
            return 200, '{"status": "ok", "items": []}', "application/json"
        if path == "/bad/huge-sitemap.xml":
            return 200, huge_sitemap(self.base, 1500), "application/xml"
        if path == "/bad/enormous-sitemap.xml":
            return 200, huge_sitemap(self.base, 4000), "application/xml"
        if path == "/sitemaps/plain.xml.gz":
            plain = fixture("sitemap_plain.xml", self.base).encode("utf-8")
            return 200, gzip.compress(plain), "application/x-gzip"
        if path == "/bad/bomb.xml.gz":
            return 200, gzip.compress(b"\0" * 20_000_000), "application/x-gzip"
        page = article_page(path.lstrip("/"))
        if page is not None:
            return 200, page, "text/html; charset=utf-8"
        return 404, "<html><body>not here</body></html>", "text/html"

    async def handle(self, request: web.Request) -> web.Response:
        query = request.query_string
        self.requests.append(request.path + (f"?{query}" if query else ""))
        status, body, ctype = self.content(request.path, query)
        data = body.encode("utf-8") if isinstance(body, str) else body
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        if status == 200 and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(status=status, body=data, headers={"Content-Type": ctype, "ETag": etag})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self.handle)
        return app

    def asked(self, prefix: str) -> list[str]:
        return [r for r in self.requests if r.startswith(prefix)]
