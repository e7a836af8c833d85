"""Setting values from the file and the environment, each checked against the settings table.

The file gives values by nested keys (`fetch: {concurrency: 8}`); the environment overrides
them (`NEWSWATCH_FETCH_CONCURRENCY=8`, lists comma-separated). Every value is checked for type
and range or choices here, so a bad one is refused at load with its position (file:line:col,
or `$VAR`) instead of surfacing later as a hang or a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.chat.platforms import PLATFORMS
from bot.config.errors import env_problem
from bot.core.yamlpos import Document, Problem
from bot.settings import (
    SECTIONS,
    SETTINGS,
    SETTINGS_BY_NAME,
    Settings,
    SettingValueError,
    did_you_mean,
    retention_problems,
)

CONFIG_ENV = "NEWSWATCH_CONFIG"
# NEWSWATCH_ variables that are not settings: the file to read, and the database password
# (a secret, read by the PostgreSQL store itself). Any other unknown one is refused.
OTHER_ENV = frozenset({CONFIG_ENV, "NEWSWATCH_DATABASE_PASSWORD", "NEWSWATCH_WEB_TOKEN"})
TOP_LEVEL = ("sources", "channels")  # the file's keys that are not settings


def read_settings(doc: Document, env: Mapping[str, str], problems: list[Problem]) -> Settings:
    """The settings of `doc` overridden by `env`; every refused value added to `problems`."""
    values: dict[str, object] = {}
    _read_file(doc, doc.value, (), values, problems)
    from_env = _read_env(env, values, problems)
    at = _Positions(doc, from_env)
    _check_timezone(values, at, problems)
    _check_platforms(values, at, problems)
    for name, message in retention_problems(lambda name: _value(values, name)):
        problems.append(at.problem(name, message))
    return Settings.from_values(values)


class _Positions:
    """Where a setting's value came from: its variable, or its key in the file."""

    def __init__(self, doc: Document, from_env: dict[str, str]) -> None:
        self.doc = doc
        self.from_env = from_env

    def problem(self, name: str, message: str) -> Problem:
        if name in self.from_env:
            return env_problem(self.from_env[name], f"{name}: {message}")
        return self.doc.problem(tuple(name.split(".")), f"{name}: {message}")


def _read_file(
    doc: Document,
    mapping: dict[str, Any],
    prefix: tuple[str, ...],
    values: dict[str, object],
    problems: list[Problem],
) -> None:
    for key, value in mapping.items():
        path = (*prefix, key)
        if not prefix and key in TOP_LEVEL:
            continue
        name = ".".join(path)
        setting = SETTINGS_BY_NAME.get(name)
        if setting is not None:
            try:
                values[name] = setting.check(value)
            except SettingValueError as exc:
                problems.append(doc.problem(path, f"{name}: {exc}"))
        elif not prefix and key in SECTIONS:
            if isinstance(value, dict):
                _read_file(doc, value, path, values, problems)
            elif value is not None:
                problems.append(doc.problem(path, f"{name}: expected a mapping of {name} settings"))
        else:
            known = [*SETTINGS_BY_NAME, *SECTIONS, *TOP_LEVEL]
            problems.append(
                doc.problem(path, f"{name}: unknown setting{did_you_mean(name, known)}")
            )


def _read_env(
    env: Mapping[str, str], values: dict[str, object], problems: list[Problem]
) -> dict[str, str]:
    """Apply the environment's settings; which variable set which setting."""
    used: dict[str, str] = {}
    for setting in SETTINGS:
        for var in setting.env_names:
            if var not in env:
                continue
            try:
                values[setting.name] = setting.parse_env(env[var])
            except SettingValueError as exc:
                problems.append(env_problem(var, f"{setting.name}: {exc}"))
                continue
            used[setting.name] = var
    known = {var for s in SETTINGS for var in s.env_names} | OTHER_ENV
    for var in sorted(env):
        if var.startswith("NEWSWATCH_") and var not in known:
            problems.append(
                env_problem(var, f"unknown setting variable{did_you_mean(var, sorted(known))}")
            )
    return used


def _value(values: dict[str, object], name: str) -> object:
    return values.get(name, SETTINGS_BY_NAME[name].default)


def _check_timezone(values: dict[str, object], at: _Positions, problems: list[Problem]) -> None:
    name = str(_value(values, "timezone"))
    if not valid_timezone(name):
        problems.append(at.problem("timezone", f"unknown timezone {name!r}"))


def _check_platforms(values: dict[str, object], at: _Positions, problems: list[Problem]) -> None:
    """Each platform's checks across its settings (see PlatformEntry.check)."""
    for entry in PLATFORMS.values():
        if entry.check is not None:
            for name, message in entry.check(lambda name: _value(values, name)):
                problems.append(at.problem(name, message))


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
