"""Why a fetch failed: small named exceptions, raised where the problem is known.

Every one carries a short `reason` fit for logs and `sources list`::

    FetchError
     ├── AddressError       the target resolves to a private/loopback/link-local address
     ├── FetchTimeout       connect, read or total timeout
     ├── TooLarge           body over the cap, compressed or while inflating
     ├── RedirectError      too many redirects, a loop, or a redirect to a non-http URL
     └── HTTPStatusError    4xx/5xx; `retry_after` set from 429/503 Retry-After
"""

from __future__ import annotations


class FetchError(Exception):
    """A fetch failed; `reason` is a short phrase for logs and `sources list`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AddressError(FetchError):
    pass


class FetchTimeout(FetchError):
    pass


class TooLarge(FetchError):
    pass


class RedirectError(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, status: int, retry_after: int | None = None) -> None:
        wait = f", retry after {retry_after}s" if retry_after else ""
        super().__init__(f"HTTP {status}{wait}")
        self.status = status
        self.retry_after = retry_after
