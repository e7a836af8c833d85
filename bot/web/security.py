"""Who may read and who may change: loopback peers read freely; anyone else, and every
change, needs the token (`Authorization: Bearer`, or the signed cookie the login form sets).

Forms carry a CSRF token bound to a random per-browser cookie; JSON POSTs must say
`Content-Type: application/json` (a cross-site form cannot) or carry the bearer token.
Every response of these routes gets a strict Content-Security-Policy: no script at all.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time

SESSION_COOKIE = "nw_session"
CSRF_COOKIE = "nw_csrf"
SESSION_SECONDS = 30 * 24 * 3600

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no-referrer would send Origin: null on POST
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_loopback(peer: str | None) -> bool:
    """Whether a peer address is this machine (127.0.0.0/8, ::1, IPv4-mapped 127.x)."""
    if not peer:
        return False
    try:
        addr = ipaddress.ip_address(peer.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped.is_loopback
    return addr.is_loopback


def _sign(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


class Guard:
    """The token checks; `token` None means no one may change anything or read remotely."""

    def __init__(self, token: str | None) -> None:
        self.token = token or None
        seed = (self.token or secrets.token_hex(32)).encode()
        self._session_key = hashlib.sha256(b"newswatch-web-session\0" + seed).digest()
        self._csrf_key = hashlib.sha256(b"newswatch-web-csrf\0" + seed).digest()

    def bearer_ok(self, header: str | None) -> bool:
        if self.token is None or not header:
            return False
        scheme, _, value = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode(), self.token.encode()
        )

    def token_ok(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def new_session(self, now: float | None = None) -> str:
        issued = str(int(time.time() if now is None else now))
        return f"{issued}.{_sign(self._session_key, 'session:' + issued)}"

    def session_ok(self, cookie: str | None, now: float | None = None) -> bool:
        if self.token is None or not cookie or "." not in cookie:
            return False
        issued, _, mac = cookie.partition(".")
        if not issued.isdigit() or not hmac.compare_digest(
            mac, _sign(self._session_key, "session:" + issued)
        ):
            return False
        return 0 <= (time.time() if now is None else now) - int(issued) < SESSION_SECONDS

    def csrf_for(self, cookie: str) -> str:
        return _sign(self._csrf_key, "csrf:" + cookie)

    def csrf_ok(self, cookie: str | None, given: str | None) -> bool:
        return bool(cookie and given) and hmac.compare_digest(
            str(given), self.csrf_for(str(cookie))
        )


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(24)


def safe_next(target: str | None) -> str:
    """Where to go after login: a path on this site only (no //host, no scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
