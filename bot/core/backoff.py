"""When to check a source next: the polite-fetching policy, as pure arithmetic.

After a success the next check is the source's interval, raised to any floor the server asked
for (Cache-Control max-age, RSS <ttl>) but never beyond a day. After the n-th consecutive
error it is interval * 2**(n-1), capped by `max_backoff`, and never sooner than a Retry-After.
A source is *failing* from `failing_after` consecutive errors on: shown as such, still checked
at the capped interval, and healthy again after its first success.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FLOOR = 86_400  # a server's max-age or <ttl> may slow us to once a day, not less often


@dataclass(frozen=True)
class BackoffPolicy:
    max_backoff: int = 21_600
    failing_after: int = 5

    def after_success(self, now: datetime, interval: int, floor: int | None = None) -> datetime:
        wait = max(interval, min(floor or 0, MAX_FLOOR))
        return now + timedelta(seconds=wait)

    def after_error(
        self, now: datetime, interval: int, error_count: int, retry_after: int | None = None
    ) -> datetime:
        """`error_count` counts this error too (1 after the first failure)."""
        exponent = max(0, min(error_count - 1, 30))
        wait = max(interval, min(self.max_backoff, interval * (2**exponent)))
        if retry_after:
            wait = max(wait, min(retry_after, self.max_backoff))
        return now + timedelta(seconds=wait)

    def is_failing(self, error_count: int) -> bool:
        return error_count >= self.failing_after
