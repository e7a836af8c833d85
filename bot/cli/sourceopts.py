"""Request options on the command line (`sources add --header … --cookie-env …`), checked by
the same rules as the configuration file's (bot.config.requestopts), so a source added from
the shell can be what a configured one can: a feed behind a cookie, a proxy, a rate limit.
Secrets stay in the environment here too: the flags name variables, never values."""

from __future__ import annotations

import argparse
import os
from typing import Any

from bot.cli.common import CliError
from bot.config.requestopts import read_request_options
from bot.models import REQUEST_FIELDS, Source

# flag → the configuration key it sets (problems are reported under the flag's name)
FLAGS = {
    "headers": "--header",
    "cookie_env": "--cookie-env",
    "proxy": "--proxy",
    "proxy_env": "--proxy-env",
    "rate_limit": "--rate-limit",
}


def add_request_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("request options (as a source's in the configuration file)")
    g.add_argument(
        "--header",
        dest="headers",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="an extra request header (repeat for several); not Cookie: use --cookie-env",
    )
    g.add_argument(
        "--cookie-env", metavar="VAR", help="environment variable holding the Cookie header"
    )
    g.add_argument("--proxy", metavar="URL", help="http:// or https:// proxy, no password")
    g.add_argument("--proxy-env", metavar="VAR", help="environment variable holding the proxy URL")
    g.add_argument(
        "--rate-limit", metavar="DURATION", help="least time between its requests (2s, 1m)"
    )


def request_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The Source fields the flags give; CliError (exit 2) naming every flag that is wrong."""
    item: dict[str, Any] = {}
    headers: dict[str, str] = {}
    problems: list[str] = []
    for given in args.headers:
        name, colon, value = given.partition(":")
        if not colon or not name.strip():
            problems.append(f"--header: expected 'NAME: VALUE', got {given!r}")
            continue
        headers[name.strip()] = value.strip()
    if headers:
        item["headers"] = headers
    for key in REQUEST_FIELDS[1:]:  # headers: above
        value = getattr(args, key)
        if value is not None:
            item[key] = value

    def bad(key: str, message: str) -> None:
        problems.append(f"{FLAGS.get(key, key)}: {message}")

    found = read_request_options(item, bad, os.environ)
    if problems:
        raise CliError("; ".join(problems), 2)
    return found


def request_summary(s: Source) -> dict[str, object] | None:
    """What `sources list` shows of a source's request options: header names, variable
    names, the proxy (which holds no password) and the rate limit; None when it has none."""
    kept = s.request_fields()
    if "headers" in kept:
        kept["headers"] = [name for name, _ in s.headers]
    return kept or None
