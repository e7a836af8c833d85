"""One JSON convention for every command's `--json` (README, "JSON output").

Why one module: scripts read several commands' output, and each command inventing its own
shape (JSON lines here, "-" for a missing time there) made every reader a special case.

The convention, for every command:
- standard output carries exactly one JSON document (an object, or an array of objects for
  commands that list things), indented, UTF-8 (no \\u escapes), ending with a newline;
  messages and warnings go to standard error, the exit status is the same as without --json;
- times are ISO 8601 with an offset, to the second, in UTC: "2026-12-06T23:46:05+00:00";
- a missing value is null (never "", "-" or a made-up time); counts are numbers;
- keys are snake_case.

Use `add_json_flag(parser)` to declare the flag and `print_json(value)` to write; `value` may
hold datetimes, dates, paths, tuples, sets and dataclasses: they are converted here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import PurePath
from typing import TextIO

JSON_HELP = "print one JSON document (times ISO 8601 with offset, null for missing)"


def add_json_flag(parser: argparse.ArgumentParser, help: str = JSON_HELP) -> None:
    """The `--json` flag, worded alike everywhere (tests/test_cli_json.py finds it by name)."""
    parser.add_argument("--json", action="store_true", help=help)


def iso(value: datetime | None) -> str | None:
    """A time as the convention writes it: UTC, to the second, with its offset; None stays."""
    if value is None:
        return None
    if value.tzinfo is None:  # the store keeps naive times in UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def jsonable(value: object) -> object:
    """`value` with every datetime, path, tuple, set and dataclass turned into JSON's types."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, PurePath):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return [jsonable(v) for v in sorted(value, key=str)]
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    raise TypeError(f"no JSON form for {type(value).__name__}: {value!r}")


def dumps(value: object) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False, indent=2)


def print_json(value: object, stream: TextIO | None = None) -> None:
    """Write `value` as the command's one JSON document."""
    out = sys.stdout if stream is None else stream
    out.write(dumps(value) + "\n")
    out.flush()


def local_time(value: datetime | None, zone: str, missing: str = "never") -> str:
    """A time for people to read, in the configured `timezone` (the channels' default):
    "2026-12-07 03:16 +0330". Text output says the offset, so it is never mistaken for UTC."""
    from zoneinfo import ZoneInfo

    if value is None:
        return missing
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %z")


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 article`, `3 articles` (`many` for irregular words: plural(n, "story", "stories"))."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
