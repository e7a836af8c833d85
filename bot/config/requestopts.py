"""A source's request options (`headers`, `cookie_env`, `proxy`, `proxy_env`, `rate_limit`),
checked at load. Secrets stay in the environment: the file names the variable
(`cookie_env: ALWAHA_COOKIE`) and only its name is kept on the Source; the value is read
where the request is made. A variable unset there is that source's fetch error (shown by
`sources list` and `fetch`), not a refused file: commands run from a shell without the
daemon's secrets (`stories`, `rules check`) still load the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from bot.models import REQUEST_FIELDS
from bot.settings import parse_duration

REQUEST_KEYS = frozenset(REQUEST_FIELDS)
# set by the fetcher itself (or by `cookie_env`): a header of these names is refused
RESERVED = frozenset(
    {
        "host",
        "cookie",
        "content-length",
        "transfer-encoding",
        "connection",
        "accept-encoding",
        "if-none-match",
        "if-modified-since",
        "proxy-authorization",
    }
)
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_RATE_LIMIT = 3600

Bad = Callable[[str, str], None]


def read_request_options(
    item: Mapping[str, Any], bad: Bad, env: Mapping[str, str]
) -> dict[str, Any]:
    """The Source fields of an entry's request options; problems go to `bad(key, message)`."""
    found: dict[str, Any] = {}
    if "headers" in item:
        found["headers"] = _headers(item["headers"], bad)
    for key in ("cookie_env", "proxy_env"):
        if key in item:
            found[key] = _env_name(key, item[key], bad)
    if "proxy" in item:
        if "proxy_env" in item:
            bad("proxy", "give `proxy` or `proxy_env`, not both")
        found["proxy"] = item["proxy"] if proxy_problem(item["proxy"], bad) else None
    if "proxy_env" in item and found.get("proxy_env") and found["proxy_env"] in env:
        proxy_problem(env[found["proxy_env"]], bad, "proxy_env", secret=True)
    if "rate_limit" in item:
        found["rate_limit"] = _rate_limit(item["rate_limit"], bad)
    return found


def _headers(value: object, bad: Bad) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        bad("headers", "a mapping of header names to values")
        return ()
    out: list[tuple[str, str]] = []
    for name, text in value.items():
        if not isinstance(name, str) or not _TOKEN.match(name):
            bad("headers", f"not a header name: {name!r}")
        elif name.lower() in RESERVED:
            why = "use `cookie_env`" if name.lower() == "cookie" else "the fetcher sets it"
            bad("headers", f"{name} cannot be set here ({why})")
        elif not isinstance(text, str | int | float) or isinstance(text, bool):
            bad("headers", f"{name}: expected text")
        elif any(c in str(text) for c in "\r\n\0"):
            bad("headers", f"{name}: one line of text")
        else:
            out.append((name, str(text)))
    return tuple(out)


def _env_name(key: str, value: object, bad: Bad) -> str | None:
    if not isinstance(value, str) or not _ENV_NAME.match(value):
        bad(key, "the name of an environment variable (letters, digits, _)")
        return None
    return value


def proxy_problem(value: object, bad: Bad, key: str = "proxy", secret: bool = False) -> bool:
    """Whether `value` is a usable proxy URL; the reason to `bad` otherwise. A secret's
    value is never repeated in the message."""
    shown = "the variable's value" if secret else repr(value)
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        bad(key, f"an http:// or https:// proxy URL, got {shown}")
        return False
    if not secret and (parts.username or parts.password):
        bad(key, "a proxy with a user name or password belongs in `proxy_env`")
        return False
    return True


def _rate_limit(value: object, bad: Bad) -> float:
    seconds: float | None
    if isinstance(value, float) and not isinstance(value, bool):
        seconds = value
    else:
        found = parse_duration(value)
        seconds = float(found) if found is not None else None
    if seconds is None or not 0 <= seconds <= MAX_RATE_LIMIT:
        bad("rate_limit", f"seconds between requests (0 to {MAX_RATE_LIMIT}, or 2s, 1m)")
        return 0.0
    return seconds
