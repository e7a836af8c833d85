"""`newswatch rules check [PATHS...]`, `newswatch rules test [RULES...] --text|--html FILE` and
`newswatch rules apply [--since 7d] [--alert]` (and `rules export-chat`, bot.cli.chatrules).

check: every problem of every rule file, each with file:line:column (a caret under a query
error); exit 0 when the files are usable, 1 when not. test: match one article against the
rules and show each matched entity and topic with its evidence highlighted in context.
apply: match stored articles again after a rule change, so a new topic tags existing stories
(old stories that now match a subscription are recorded as sent unless --alert).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.app.assembly import load_rules
from bot.app.chatrules import with_chat_rules
from bot.app.reapply import apply_rules
from bot.app.rulefiles import load_rule_files
from bot.cli.chatrules import add_export_command
from bot.cli.common import (
    CliError,
    add_config_arguments,
    open_config,
    open_store,
    since_argument,
)
from bot.cli.output import add_json_flag, plural, print_json
from bot.core.cleanup import clean_text
from bot.core.match import Matcher
from bot.core.rules import RulesError, RuleSet
from bot.models import Evidence, Match, MatchResult
from bot.store.base import utcnow

CONTEXT = 40  # characters shown on each side of a piece of evidence


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "rules", help="check rule files, test them on one article, or apply them to stored articles"
    )
    sub = p.add_subparsers(dest="rules_command", metavar="SUBCOMMAND")
    sub.required = True

    check = sub.add_parser("check", help="validate rule files; exit 1 listing every error")
    check.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: config)"
    )
    add_json_flag(check)
    add_config_arguments(check, db=False)
    check.set_defaults(func=run_check)

    test = sub.add_parser("test", help="match one article and show the evidence")
    test.add_argument("paths", nargs="*", metavar="RULES", help="rule files (default: config)")
    source = test.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", metavar="FILE", help="the article as plain text")
    source.add_argument("--html", metavar="FILE", help="the article page as saved HTML")
    test.add_argument("--title", default="", help="headline to match with a --text file")
    add_json_flag(test)
    add_config_arguments(test, db=False)
    test.set_defaults(func=run_test)

    apply = sub.add_parser(
        "apply", help="match stored articles again after a rule change; retag their stories"
    )
    since_argument(apply, "7d", "articles seen within this long")
    apply.add_argument(
        "--alert",
        action="store_true",
        help="let old stories that now match a subscription go out (default: recorded as sent)",
    )
    add_json_flag(apply)
    add_config_arguments(apply)
    apply.set_defaults(func=run_apply)

    add_export_command(sub)


def run_apply(args: argparse.Namespace) -> int:
    """`rules apply`: the configured rules applied to stored articles (bot.app.reapply)."""
    seconds: int = args.since
    config = open_config(args)
    try:
        rules = load_rules(config)
    except RulesError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise CliError(f"{plural(len(exc.problems), 'error')} in the rules", 1) from None
    store = open_store(args, config)
    try:
        store.sync_channels(config.channels)
        rules = with_chat_rules(rules, store)  # or the watches' matches would be dropped
        now = utcnow()
        report = apply_rules(store, rules, now - timedelta(seconds=seconds), now, args.alert)
    finally:
        store.close()
    if args.json:
        print_json(
            {
                "articles": report.articles,
                "changed": report.changed,
                "stories": report.stories,
                "held": report.held,
                "alerting": report.alerting,
            }
        )
        return 0
    print(
        f"{plural(report.articles, 'stored article')} matched again, {report.changed} changed; "
        f"{plural(report.stories, 'story', 'stories')} retagged"
    )
    if report.held:
        print(
            f"{report.held} old stories now match a channel's subscription: recorded as sent "
            "(--alert sends them)"
        )
    if report.alerting:
        print(f"{report.alerting} old stories now match a subscription and will go out")
    return 0


def rule_paths(args: argparse.Namespace) -> list[Path]:
    """The files named on the command line (folders: their *.yaml), else the config's globs."""
    if not args.paths:
        paths = open_config(args).rule_paths()
        if not paths:
            raise CliError("no rule files: the configuration's `rules` globs match nothing", 1)
        return paths
    out: list[Path] = []
    for raw in args.paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted([*p.glob("*.yaml"), *p.glob("*.yml")])
            if not found:
                raise CliError(f"{raw}: a folder without rule files (*.yaml, *.yml)", 1)
            out.extend(found)
        else:
            out.append(p)
    return out


def load(args: argparse.Namespace, paths: list[Path] | None = None) -> RuleSet:
    try:
        return load_rule_files(rule_paths(args) if paths is None else paths)
    except RulesError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise CliError(f"{plural(len(exc.problems), 'error')} in the rules", 1) from None


def run_check(args: argparse.Namespace) -> int:
    paths = rule_paths(args)
    if args.json:
        return _check_json(paths)
    rules = load(args, paths)
    print(
        f"ok: {plural(len(paths), 'file')}, {plural(len(rules.entities), 'entity', 'entities')}, "
        f"{plural(len(rules.topics), 'topic')}"
    )
    return 0


def _check_json(paths: list[Path]) -> int:
    """`rules check --json`: the verdict and every problem as data (exit 1 when any)."""
    out: dict[str, object] = {"ok": True, "files": paths, "entities": 0, "topics": 0}
    try:
        rules = load_rule_files(paths)
    except RulesError as exc:
        out["ok"] = False
        out["problems"] = [
            {"file": p.file, "line": p.line, "column": p.column, "message": p.message}
            for p in exc.problems
        ]
        print_json(out)
        return 1
    out.update(entities=len(rules.entities), topics=len(rules.topics), problems=[])
    print_json(out)
    return 0


def read_article(args: argparse.Namespace) -> tuple[str, str]:
    """(title, main text) of the --text or --html file, read as the pipeline would."""
    path = Path(args.text or args.html)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    if args.text:
        return " ".join(args.title.split()), clean_text(data.decode("utf-8", errors="replace"))
    try:
        pages: Any = importlib.import_module("bot.sources.pages")
    except ImportError:
        raise CliError("--html needs bot.sources.pages, which this installation lacks") from None
    try:
        page = pages.extract_article(data, path.resolve().as_uri())
    except pages.PageError as exc:
        raise CliError(f"{path}: {exc}") from None
    return args.title or page.title, page.text


def highlight(field: str, ev: Evidence, color: bool) -> str:
    before = field[max(0, ev.start - CONTEXT) : ev.start].replace("\n", " ")
    after = field[ev.end : ev.end + CONTEXT].replace("\n", " ")
    mark = f"\x1b[1;7m{ev.surface}\x1b[0m" if color else f"[[{ev.surface}]]"
    return f"…{before}{mark}{after}…"


def _match_dict(m: Match) -> dict[str, Any]:
    return {
        "id": m.id,
        "evidence": [
            {"field": e.field, "start": e.start, "end": e.end, "surface": e.surface, "term": e.term}
            for e in m.evidence
        ],
    }


def report(result: MatchResult, rules: RuleSet, title: str, text: str, color: bool) -> list[str]:
    lines: list[str] = []
    for label, matches in (("entities", result.entities), ("topics", result.topics)):
        lines.append(f"{label}: {len(matches) or 'none'}")
        for m in matches:
            rule = rules.entities.get(m.id) if m.kind == "entity" else rules.topics.get(m.id)
            lines.append(f"  {m.id} ({rule.name if rule else m.id})")
            for ev in m.evidence:
                source = title if ev.field == "title" else text
                lines.append(f"    {ev.field:<5} {ev.term!r}: {highlight(source, ev, color)}")
    return lines


def run_test(args: argparse.Namespace) -> int:
    rules = load(args)
    title, text = read_article(args)
    result = Matcher(rules).match(title, text)
    if args.json:
        out = {
            "entities": [_match_dict(m) for m in result.entities],
            "topics": [_match_dict(m) for m in result.topics],
        }
        print_json(out)
        return 0
    color = sys.stdout.isatty()
    print("\n".join(report(result, rules, title, text, color)))
    return 0
