"""The one error the configuration loader raises: every problem, each with its position."""

from __future__ import annotations

from bot.core.yamlpos import Problem


class ConfigError(Exception):
    """The configuration cannot be used; every problem names file, line and key."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def env_problem(var: str, message: str) -> Problem:
    """A problem in an environment variable: named `$VAR` where a file name would be."""
    return Problem(f"${var}", 1, 1, message)
