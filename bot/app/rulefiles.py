"""Rule files on disk → RuleSet: the one place rules are read from the file system.

Reading is at the edge; `bot.core.rules.parse_rules` stays pure. A file that cannot be read
(missing, a directory, not UTF-8) becomes a Problem like any other, so `rules check` lists it
beside the YAML and query errors of the other files.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.core.rules import RulesError, RuleSet, parse_rules
from bot.core.yamlpos import Problem


def read_rule_files(paths: Iterable[Path]) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(name, text) of each readable file, and a Problem for each unreadable one."""
    files: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            files.append((str(path), path.read_text(encoding="utf-8")))
        except UnicodeDecodeError as exc:
            problems.append(Problem(str(path), 1, 1, f"not UTF-8 text: {exc.reason}"))
        except OSError as exc:
            problems.append(Problem(str(path), 1, 1, f"cannot read: {exc.strerror or exc}"))
    return files, problems


def load_rule_files(paths: Iterable[Path]) -> RuleSet:
    """Parse the rule files at `paths`; raise RulesError listing every problem of every file."""
    files, problems = read_rule_files(paths)
    try:
        rules = parse_rules(files)
    except RulesError as exc:
        raise RulesError([*problems, *exc.problems]) from None
    if problems:
        raise RulesError(problems)
    return rules
