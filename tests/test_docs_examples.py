"""Every example in README.md and docs/*.md runs as written (issue 15, item 11).

What is checked, so that docs changes stay honest:
- fenced shell blocks (```sh, ```bash, ```console or no language): each `newswatch ...` line
  (also `.venv/bin/newswatch`, and `docker run/podman run ... newswatch ARGS` where the image
  is named newswatch) is parsed by the real argparse parser: the command exists, its options
  exist and their values are accepted (durations, counts, choices);
- inline `newswatch ...` code spans: a concrete example is parsed the same way; a synopsis
  (holding `[`, `|` or `...`) must name an existing command and only options it has;
- ```yaml blocks: a rules sample (top-level `entities:`/`topics:`) must load on its own, as
  `newswatch rules check` would load it; a configuration sample must load with the
  configuration loader, and its subscriptions must name topics or entities of the example
  rules (bot/demo/rules); any other YAML (compose files) must at least parse;
- ```python blocks are run.

An example that cannot run as written (a sketch, output shown as a block, a deliberately wrong
sample) is exempted by an HTML comment `<!-- not-checked -->` on the line just before its
fence; inline spans on a line carrying that comment are skipped too. Prefer fixing the example.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.app.rulefiles import load_rule_files
from bot.cli import build_parser
from bot.cli.common import CliError, apply_global_options
from bot.config import ConfigError, config_from_text
from bot.config.channels import check_subscriptions

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SKIP = "<!-- not-checked -->"
SHELL = {"", "sh", "bash", "shell", "console"}
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)
SPAN = re.compile(r"`((?:\.venv/bin/)?newswatch [^`]+)`")
SYNOPSIS = re.compile(r"\[|\||\.\.\.")


@dataclass(frozen=True)
class Example:
    where: str  # file:line
    kind: str  # "command", "synopsis", "yaml", "python"
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text[:60]}"


def _commands_in(block: str) -> list[list[str]]:
    """The newswatch argument lists of a shell block (continuations joined, prompts off)."""
    block = block.replace("\\\n", " ")
    found = []
    for raw in block.splitlines():
        line = raw.strip().removeprefix("$ ")
        if not line or line.startswith("#"):
            continue
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|<>")
            lexer.whitespace_split = True
            lexer.commenters = "#"
            tokens = list(lexer)
        except ValueError:  # a heredoc body line or an unbalanced quote: not a command
            continue
        segment: list[str] = []
        for token in [*tokens, ";"]:
            if token and set(token) <= set(";&|<>"):
                args = _newswatch_args(segment)
                if args is not None:
                    found.append(args)
                segment = [] if token != ">" else ["(redirect)"]
            elif segment[:1] != ["(redirect)"]:
                segment.append(token)
    return found


def _newswatch_args(words: list[str]) -> list[str] | None:
    if not words:
        return None
    if words[0] == "newswatch" or words[0].endswith("/bin/newswatch"):
        return words[1:]
    if words[0] in ("docker", "podman") and "run" in words[1:3] and "newswatch" in words:
        image = len(words) - 1 - words[::-1].index("newswatch")
        return words[image + 1 :] or ["run"]  # the image's CMD
    return None


def examples() -> list[Example]:
    found: list[Example] = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        name = doc.relative_to(REPO)
        fenced: list[tuple[int, int]] = []
        for m in FENCE.finditer(text):
            fenced.append((m.start(), m.end()))
            line = text.count("\n", 0, m.start()) + 1
            before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
            if SKIP in before:
                continue
            lang, body = m.group(1).strip().split(" ")[0], m.group(2)
            where = f"{name}:{line}"
            if lang in SHELL:
                for args in _commands_in(body):
                    found.append(Example(where, "command", shlex.join(args)))
            elif lang in ("yaml", "yml"):
                found.append(Example(where, "yaml", body))
            elif lang == "python":
                found.append(Example(where, "python", body))
        for m in SPAN.finditer(text):
            if any(start <= m.start() < end for start, end in fenced):
                continue
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            if SKIP in text[line_start:line_end]:
                continue
            span = m.group(1).replace("\\|", "|")
            words = span.split(maxsplit=1)
            rest = words[1] if len(words) > 1 else ""
            kind = "synopsis" if SYNOPSIS.search(span) else "command"
            if kind == "command":  # a shell line: its redirection and pipes are not newswatch's
                rest = shlex.join(next(iter(_commands_in(span)), rest.split()))
                if not _subparser(ROOT, shlex.split(rest))[1]:
                    kind = "reference"  # prose naming a command: it must exist
            where = f"{name}:{text.count(chr(10), 0, m.start()) + 1}"
            found.append(Example(where, kind, rest))
    return found


def _subparser(
    parser: argparse.ArgumentParser, words: list[str]
) -> tuple[argparse.ArgumentParser, list[str]]:
    """The deepest command parser the leading words name, and the words after them."""
    while words:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs or words[0] not in subs[0].choices:
            break
        parser, words = subs[0].choices[words[0]], words[1:]
    return parser, words


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings}


ROOT = build_parser()
EXAMPLES = examples()


def test_the_docs_hold_examples_of_each_kind() -> None:
    kinds = {e.kind for e in EXAMPLES}
    assert kinds >= {"command", "reference", "synopsis", "yaml", "python"}, kinds
    assert len([e for e in EXAMPLES if e.kind == "command"]) >= 20


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.kind == "command"], ids=str)
def test_command_example_parses(example: Example) -> None:
    argv = shlex.split(example.text)
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
        try:
            args = ROOT.parse_args(argv)
        except SystemExit as exc:
            if exc.code == 0:  # --version, --help
                return
            raise AssertionError(
                f"{example.where}: `newswatch {example.text}` is refused:\n{errors.getvalue()}"
            ) from None
    try:
        apply_global_options(args)
    except CliError as exc:
        raise AssertionError(f"{example.where}: `newswatch {example.text}`: {exc}") from None


@pytest.mark.parametrize(
    "example", [e for e in EXAMPLES if e.kind in ("synopsis", "reference")], ids=str
)
def test_synopsis_names_real_options(example: Example) -> None:
    words = example.text.split()
    parser, rest = _subparser(ROOT, words)
    assert parser is not ROOT or words[0].startswith("-"), (
        f"{example.where}: no command `newswatch {example.text}`"
    )
    known = _options(parser) | _options(ROOT)
    for word in rest:
        for option in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", word):
            assert option in known, f"{example.where}: `{parser.prog}` has no option {option}"


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.kind == "yaml"], ids=str)
def test_yaml_sample_loads(example: Example, tmp_path: Path) -> None:
    value = yaml.safe_load(example.text)
    assert isinstance(value, dict), f"{example.where}: not a mapping"
    name = f"{example.where} (sample)"
    if set(value) <= {"entities", "topics"}:
        sample = tmp_path / "sample.yaml"
        sample.write_text(example.text, encoding="utf-8")
        load_rule_files([sample])  # raises RulesError with file:line:col, as rules check says
        return
    if "services" in value:  # a compose file: parsing is all that can be checked here
        return
    (tmp_path / "rules").symlink_to(REPO / "bot/demo/rules")
    try:
        config = config_from_text(example.text, name, tmp_path, {})
    except ConfigError as exc:
        raise AssertionError(
            f"{example.where}: the configuration sample is refused:\n{exc}"
        ) from None
    rules = load_rule_files(config.rule_paths() or sorted((REPO / "bot/demo/rules").glob("*.yaml")))
    problems = check_subscriptions(config, rules)
    assert not problems, "\n".join(str(p) for p in problems)


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.kind == "python"], ids=str)
def test_python_example_runs(example: Example) -> None:
    code = compile(textwrap.dedent(example.text), example.where, "exec")
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, {"__name__": "docs_example"})


ENV_EXAMPLE = re.compile(r"`(NEWSWATCH_[A-Z0-9_]+)=([^`\s]+)`")
NOT_SETTINGS = {"NEWSWATCH_CONFIG", "NEWSWATCH_DATABASE_PASSWORD", "NEWSWATCH_WEB_TOKEN"}


def env_examples() -> list[tuple[str, str, str]]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in ENV_EXAMPLE.finditer(text):
            if m.group(1) not in NOT_SETTINGS:
                where = f"{doc.relative_to(REPO)}:{text.count(chr(10), 0, m.start()) + 1}"
                found.append((where, m.group(1), m.group(2)))
    return found


@pytest.mark.parametrize(("where", "name", "value"), env_examples())
def test_environment_example_is_accepted(where: str, name: str, value: str, tmp_path: Path) -> None:
    """`NEWSWATCH_RULES=rules/*.yaml,extra/*.yaml` and the like load as the docs say."""
    try:
        config_from_text("", "<empty>", tmp_path, {name: value})
    except ConfigError as exc:
        raise AssertionError(f"{where}: {name}={value} is refused:\n{exc}") from None


def test_every_command_says_what_it_does() -> None:
    """`newswatch --help` and each group's help list every command with a line about it."""

    def walk(parser: argparse.ArgumentParser) -> list[str]:
        missing = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helped = {a.dest: a.help for a in action._choices_actions}
                for name, sub in action.choices.items():
                    if not helped.get(name):
                        missing.append(sub.prog)
                    missing.extend(walk(sub))
        return missing

    assert walk(ROOT) == []
