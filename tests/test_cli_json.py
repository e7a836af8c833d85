"""Every command with --json follows the one convention (bot/cli/output.py, README "JSON
output"): one JSON document on stdout, times ISO 8601 with an offset, null for missing.

A command that gains --json must be added to RUNS below with an invocation that works on the
project this test builds (the demo outlets on loopback, fetched once): the test fails for any
--json command it does not run.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.cli.output import iso, jsonable
from tests.cli_project import demo_project

# command words → the arguments after them ({config}, {page}, {article}, {base} filled in)
RUNS: dict[str, list[str]] = {
    "fetch": ["--config", "{config}"],
    "sources list": ["--config", "{config}"],
    "sources discover": ["{base}/mashriq/feed.rss", "--allow-private", "--config", "{config}"],
    "stories": ["--since", "2w", "--config", "{config}"],
    "rules check": ["--config", "{config}"],
    "rules test": ["--text", "{article}", "--title", "Drone strike", "--config", "{config}"],
    "rules apply": ["--config", "{config}"],
    "extract": ["{page}", "--config", "{config}"],
    "digest": ["analysts", "--config", "{config}"],
    "demo": [],
    "db prune": ["--dry-run", "--config", "{config}"],
    "db stats": ["--config", "{config}"],
}

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")
TIMELIKE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
KEY = re.compile(r"[a-z][a-z0-9_]*")


def json_commands(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[str]:
    for action in parser._actions:
        if "--json" in action.option_strings:
            yield prefix
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from json_commands(sub, f"{prefix} {name}".strip())


def follows_convention(value: object, where: str = "$") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            assert KEY.fullmatch(key), f"{where}: key {key!r} is not snake_case"
            follows_convention(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            follows_convention(item, f"{where}[{i}]")
    elif isinstance(value, str):
        assert value != "-", f"{where}: '-' for a missing value (null is the convention)"
        if TIMELIKE.match(value):
            assert ISO.fullmatch(value), f"{where}: time {value!r} is not ISO 8601 with offset"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with demo_project(tmp_path_factory.mktemp("json")) as paths:
        yield paths


def test_every_json_command_is_run_here() -> None:
    assert set(json_commands(build_parser())) == set(RUNS), "add the command to RUNS"


@pytest.mark.parametrize("command", list(RUNS))
def test_json_output_follows_the_convention(
    command: str, project: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    if command != "fetch":  # the others read what a fetch stored
        main(["fetch", "--config", project["config"]])
        capsys.readouterr()
    argv = [*command.split(), *(a.format(**project) for a in RUNS[command]), "--json"]
    status = main(argv)
    out = capsys.readouterr().out
    assert status == 0, (argv, out)
    document = json.loads(out)  # exactly one document: JSON lines would not parse
    assert isinstance(document, dict | list) and document, out
    follows_convention(document)


def test_times_are_utc_to_the_second_and_missing_is_null() -> None:
    tehran = datetime(2026, 12, 7, 3, 16, 5, 123456).astimezone()
    assert iso(datetime(2026, 12, 6, 23, 46, 5, 999)) == "2026-12-06T23:46:05+00:00"
    assert iso(tehran) == tehran.astimezone(UTC).replace(microsecond=0).isoformat()
    assert jsonable({"at": None, "ids": ("a", "b"), "path": Path("x/y")}) == {
        "at": None,
        "ids": ["a", "b"],
        "path": "x/y",
    }
