"""The demo's sample outlets, served from a real HTTP server on loopback.

The files under `site/` carry placeholders so that the demo stays evergreen: every date is
written relative to the moment the server starts, and every absolute link names the server's
own address. Both are filled in once, at construction, so each response body is fixed for the
server's life and ETag/Last-Modified behave like a well-run outlet's.

Placeholders:
  {{base}}                      the base URL, e.g. http://127.0.0.1:41234 (no trailing slash)
  {{date:OFFSET}}               now + OFFSET in the file's own date format
  {{date:OFFSET|FORMAT}}        ... in FORMAT: rfc822, rfc3339, ar, en, fa, year
  {{date:OFFSET|FORMAT|TZ}}     ... shown in the fixed offset TZ, e.g. +03:00 or +0330
OFFSET is 0 or signed steps like -5h, -1d2h, -90m. The file's own format is RFC 822 for RSS
(`.rss`, or `.xml` holding `<rss`) and RFC 3339 for everything else (Atom, HTML meta, JSON-LD).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".xml": "text/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}

PLACEHOLDER_RE = re.compile(r"\{\{\s*(base|date:[^}]*)\s*\}\}")
OFFSET_RE = re.compile(r"([+-]?)((?:\d+[dhm])+)")
STEP_RE = re.compile(r"(\d+)([dhm])")
TZ_RE = re.compile(r"([+-])(\d\d):?(\d\d)")

AR_MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
             "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")  # fmt: skip
EN_MONTHS = ("January", "February", "March", "April", "May", "June",
             "July", "August", "September", "October", "November", "December")  # fmt: skip
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


class PlaceholderError(ValueError):
    """A site file holds a placeholder the server cannot fill (a fixture bug)."""


def site_root() -> Traversable:
    """The bundled site, wherever the package is installed."""
    return files("bot.demo") / "site"


def config_text(base_url: str) -> str:
    """The bundled demo configuration with `{base_url}` filled in."""
    text = (files("bot.demo") / "newswatch.yaml").read_text(encoding="utf-8")
    return text.replace("{base_url}", base_url.rstrip("/"))


def parse_offset(text: str) -> timedelta:
    """'-5h' → -5 hours; '0' → zero; '-1d2h30m' → minus 1 day 2 hours 30 minutes."""
    text = text.strip()
    if text in ("", "0"):
        return timedelta(0)
    m = OFFSET_RE.fullmatch(text)
    if not m:
        raise PlaceholderError(f"bad date offset {text!r}")
    unit = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
    total = sum((int(n) * unit[u] for n, u in STEP_RE.findall(m.group(2))), timedelta(0))
    return -total if m.group(1) == "-" else total


def parse_tz(text: str) -> timezone:
    if text in ("", "Z", "UTC"):
        return UTC
    m = TZ_RE.fullmatch(text)
    if not m:
        raise PlaceholderError(f"bad timezone {text!r}")
    delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
    return timezone(-delta if m.group(1) == "-" else delta)


def format_date(when: datetime, fmt: str) -> str:
    """One instant in one of the formats outlets use."""
    if fmt == "rfc822":
        return format_datetime(when)
    if fmt == "rfc3339":
        return when.isoformat(timespec="seconds").replace("+00:00", "Z")
    if fmt == "year":
        return str(when.year)
    clock = f"{when.hour:02d}:{when.minute:02d}"
    if fmt == "en":
        return f"{when.day} {EN_MONTHS[when.month - 1]} {when.year}, {clock}"
    if fmt == "ar":
        return f"{when.day} {AR_MONTHS[when.month - 1]} {when.year} - {clock}".translate(AR_DIGITS)
    if fmt == "fa":  # Gregorian date in Persian digits, as Persian outlets' English pages do
        return f"{when.year}/{when.month:02d}/{when.day:02d} {clock}".translate(FA_DIGITS)
    raise PlaceholderError(f"unknown date format {fmt!r}")


def default_format(name: str, text: str) -> str:
    if name.endswith(".rss") or (name.endswith(".xml") and "<rss" in text[:2000]):
        return "rfc822"
    return "rfc3339"


def render(text: str, name: str, now: datetime, base_url: str) -> str:
    """Fill every placeholder in one file's text."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    fallback = default_format(name, text)

    def fill(m: re.Match[str]) -> str:
        spec = m.group(1)
        if spec == "base":
            return base_url
        parts = [p.strip() for p in spec[len("date:") :].split("|")]
        if len(parts) > 3:
            raise PlaceholderError(f"{name}: too many fields in {m.group(0)!r}")
        offset, fmt, tz = (*parts, "", "")[:3]
        when = (now + parse_offset(offset)).astimezone(parse_tz(tz)).replace(microsecond=0)
        return format_date(when, fmt or fallback)

    try:
        return PLACEHOLDER_RE.sub(fill, text)
    except PlaceholderError as exc:
        raise PlaceholderError(f"{name}: {exc}") from None


def walk(root: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    """Every file under `root` as (URL path, file), in a stable order."""
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        path = f"{prefix}/{entry.name}"
        if entry.is_dir():
            yield from walk(entry, path)
        elif entry.is_file():
            yield path, entry


@dataclass(frozen=True)
class Resource:
    body: bytes
    content_type: str
    etag: str


@dataclass(frozen=True)
class Served:
    """One request the server answered (for tests and the demo's summary)."""

    method: str
    path: str
    status: int


class DemoSite:
    """The bundled outlets on http://127.0.0.1:<free port>, dates relative to `now`.

    Use as a context manager; `base_url` is known once it has been entered.
    """

    def __init__(
        self, now: datetime, root: Traversable | Path | None = None, host: str = "127.0.0.1"
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.now = now.astimezone(UTC).replace(microsecond=0)
        self.root: Traversable = root if root is not None else site_root()
        self.host = host
        self.served: list[Served] = []
        self._resources: dict[str, Resource] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    @property
    def last_modified(self) -> str:
        return format_datetime(self.now, usegmt=True)

    def paths(self) -> list[str]:
        """Every URL path the site serves, e.g. '/mashriq/feed.rss'."""
        return sorted(self._resources)

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def resource(self, path: str) -> Resource | None:
        """The rendered file for a URL path ('/x/' means '/x/index.html')."""
        path = unquote(urlsplit(path).path) or "/"
        if path.endswith("/"):
            path += "index.html"
        return self._resources.get(path)

    def start(self) -> DemoSite:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer((self.host, 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self.base_url = f"http://{self.host}:{server.server_address[1]}"
        self._resources = self._render_all()
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="demo-site"
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _render_all(self) -> dict[str, Resource]:
        resources: dict[str, Resource] = {}
        for path, entry in walk(self.root):
            suffix = path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ""
            content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
            raw = entry.read_bytes()
            if content_type.endswith("charset=utf-8"):
                raw = render(raw.decode("utf-8"), path, self.now, self.base_url).encode("utf-8")
            etag = '"' + hashlib.sha256(raw).hexdigest()[:20] + '"'
            resources[path] = Resource(raw, content_type, etag)
        return resources


def _not_modified(headers: Message, resource: Resource, last_modified: datetime) -> bool:
    """RFC 9110: If-None-Match wins; If-Modified-Since only when it is absent."""
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip().removeprefix("W/") for t in str(inm).split(",")]
        return "*" in tags or resource.etag in tags
    ims = headers.get("If-Modified-Since")
    if ims is None:
        return False
    try:
        since = parsedate_to_datetime(str(ims))
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified <= since


def _handler_for(site: DemoSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "newswatch-demo/1"
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer(head=False)

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def _answer(self, head: bool) -> None:
            resource = site.resource(self.path)
            if resource is None:
                body = b"not found\n"
                self._start(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", len(body))
                self.end_headers()
                if not head:
                    self.wfile.write(body)
                return
            if _not_modified(self.headers, resource, site.now):
                self._start(HTTPStatus.NOT_MODIFIED, None, None)
                self.send_header("ETag", resource.etag)
                self.send_header("Last-Modified", site.last_modified)
                self.end_headers()
                return
            self._start(HTTPStatus.OK, resource.content_type, len(resource.body))
            self.send_header("ETag", resource.etag)
            self.send_header("Last-Modified", site.last_modified)
            self.send_header("Cache-Control", "max-age=300")
            self.end_headers()
            if not head:
                self.wfile.write(resource.body)

        def _start(self, status: HTTPStatus, ctype: str | None, length: int | None) -> None:
            site.served.append(Served(self.command, self.path, int(status)))
            self.send_response(status)
            if ctype is not None:
                self.send_header("Content-Type", ctype)
            if length is not None:
                self.send_header("Content-Length", str(length))

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the demo prints digests, not access logs."""

    return Handler
