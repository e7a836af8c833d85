"""The registries are the only variation points: a toy chat platform and a toy source kind,
added through `register_platform` and `register_kind` alone, run end to end through the real
assembly (a fetch cycle over a loopback server, matching, a story, a digest, the toy sender);
and no platform name is written in `bot/` outside the registry and the platform's modules."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

import pytest
from aiohttp import web

from bot.app.assembly import assemble, fetch_once, make_senders
from bot.app.deliver import Vocabulary, run_digest
from bot.chat import platforms
from bot.chat.platforms import PLATFORMS, PlatformEntry, register_platform
from bot.config import Secrets, config_from_text
from bot.core.opml import OutlineForm
from bot.core.render import Kind, Labels, render_plain
from bot.models import Digest, RawItem, Source
from bot.sources import kinds
from bot.sources.collect import KnownKeys, SourceOutcome
from bot.sources.http import Fetcher, Response
from bot.sources.kinds import KINDS, KindEntry, register_kind
from bot.sources.parsepool import ParsePool
from bot.store.base import utcnow
from tests.loopback import serving

BOT = Path(__file__).parent.parent / "bot"

RULES = """\
entities:
  korvell:
    name: Admiral Korvell
    kind: person
    aliases: ["Korvell"]
topics:
  harbour:
    name: Harbour affairs
    query: "@korvell"
"""

# The toy kind's content: one item a line, "guid | title | text".
TOY_FEED = (
    "t1 | Korvell inspects the northern harbour | Admiral Korvell walked the quays of the "
    "northern harbour on Tuesday and praised the new cranes.\n"
    "t2 | Lantern festival draws crowds | Thousands lit paper lanterns along the river.\n"
)


class ToySender:
    """The toy platform's sender: records what it is given."""

    platform = "toy"

    def __init__(self) -> None:
        self.sent: list[tuple[str, Mapping[str, Any]]] = []

    async def send(self, destination: str, payload: Mapping[str, Any]) -> str:
        self.sent.append((destination, payload))
        return f"toy:{len(self.sent)}"

    async def close(self) -> None:
        return None


async def poll_toy(
    fetcher: Fetcher,
    pool: ParsePool,
    source: Source,
    resp: Response,
    base: SourceOutcome,
    known: KnownKeys,
) -> SourceOutcome:
    """The toy kind's poll: every line of the response is one item."""
    rows = [line.split(" | ") for line in resp.body.decode().splitlines() if line.strip()]
    home = source.url.rsplit("/", 1)[0]
    items = [
        RawItem(source_id=source.id, title=title, url=f"{home}/story/{guid}", guid=guid, text=text)
        for guid, title, text in rows
    ]
    return replace(base, items=tuple(items), seen=len(items))


@pytest.fixture
def toy() -> Iterator[ToySender]:
    """The toy platform and the toy kind, registered for one test only."""
    sender = ToySender()

    def make_sender(settings: object, secrets: object, stream: TextIO | None) -> ToySender:
        return sender

    def render(digest: Digest, labels: Labels, kind: Kind) -> list[dict[str, Any]]:
        return [{"text": render_plain(digest, labels, kind)}]

    register_platform(PlatformEntry("toy", "a toy room", make_sender, render))
    register_kind(KindEntry("toy", "lines of guid | title | text", "text/x-toy", poll_toy,
                            OutlineForm("toy", "url")))  # fmt: skip
    try:
        yield sender
    finally:
        del PLATFORMS["toy"], KINDS["toy"]


async def test_a_toy_platform_and_kind_run_end_to_end_through_the_assembly(
    toy: ToySender, tmp_path: Path
) -> None:
    seen_accept: list[str] = []

    async def feed(request: web.Request) -> web.Response:
        seen_accept.append(request.headers.get("Accept", ""))
        return web.Response(text=TOY_FEED, content_type="text/x-toy")

    app = web.Application()
    app.router.add_get("/toy.txt", feed)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "harbour.yaml").write_text(RULES, encoding="utf-8")
    async with serving(app) as base:
        text = f"""\
database: nw.db
fetch: {{allow_private: true}}
sources:
  - id: toybox
    kind: toy
    url: {base}/toy.txt
channels:
  - id: playroom
    platform: toy
    destination: room-7
    subscriptions: [harbour]
"""
        config = config_from_text(text, "<toy>", tmp_path, {})
        instance = assemble(config, tmp_path / "nw.db")
        try:
            now = utcnow()
            reports = await fetch_once(instance, now)
            assert [(r.source_id, r.status, r.new) for r in reports] == [("toybox", "new", 2)]
            senders = make_senders(config.settings, Secrets())
            assert senders["toy"] is toy
            vocab = Vocabulary.from_rules(instance.rules)
            report = await run_digest(instance.store, "playroom", senders, vocab, now)
        finally:
            instance.close()
    assert seen_accept == ["text/x-toy"]  # the kind's own Accept header
    assert report.stories == 1 and report.flush is not None and report.flush.sent == 1
    [(destination, payload)] = toy.sent
    assert destination == "room-7"
    assert "Korvell inspects the northern harbour" in payload["text"]
    assert "Lantern" not in payload["text"]  # matched nothing: not in the digest


def _literals(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def _names_a_platform(value: str, names: tuple[str, ...]) -> bool:
    """ "telegram", "Slack", "console:3"-style ids and "telegram.api_base_url"-style keys."""
    word = value.strip().lower()
    return any(word == n or word.startswith((f"{n}.", f"{n}:")) for n in names)


def test_no_platform_name_is_written_outside_the_registry_and_its_own_modules() -> None:
    names = platforms.platform_names()
    assert {"telegram", "slack", "console"} <= set(names)
    offenders = []
    for path in sorted(BOT.rglob("*.py")):
        rel = path.relative_to(BOT).as_posix()
        if rel == "chat/platforms.py" or any(rel.startswith(f"chat/{n}") for n in names):
            continue  # the registry, and each platform's own modules
        # A source kind may share a platform's name (kind: telegram reads a public channel):
        # the kind registry names it, as a kind.
        kind_names = set(kinds.kind_names()) if rel == "sources/kinds.py" else set()
        offenders += [
            f"bot/{rel}:{line}: {value!r}"
            for line, value in _literals(path)
            if _names_a_platform(value, names) and value not in kind_names
        ]
    assert not offenders, "platform names outside the registry:\n" + "\n".join(offenders)


def test_every_registered_kind_and_platform_resolves_its_functions() -> None:
    """The built-in entries name their functions lazily: each must exist."""
    import importlib

    hooks = [k.discovery for k in kinds.KINDS.values() if k.discovery]
    for entry in (*kinds.KINDS.values(), *platforms.PLATFORMS.values(), *hooks):
        for field in ("poll", "sniff", "read", "sender", "render", "adapter", "summarise"):
            fn = getattr(entry, field, None)
            if fn is None or "." not in getattr(fn, "__qualname__", ""):
                continue
            module, _, name = fn.__qualname__.rpartition(".")
            if module.startswith("bot."):
                assert callable(getattr(importlib.import_module(module), name)), (entry, field)


def _kind_switches(path: Path, names: tuple[str, ...]) -> Iterator[int]:
    """Lines comparing something's `.kind` with a source kind's name."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        named = any(isinstance(s, ast.Attribute) and s.attr == "kind" for s in sides)
        literal = any(isinstance(s, ast.Constant) and s.value in names for s in sides)
        if named and literal:
            yield node.lineno


def test_no_switch_on_a_source_kind_outside_the_kind_registry() -> None:
    names = kinds.kind_names()
    own = {"sources/kinds.py", "sources/feeds.py", "sources/pages.py", "sources/listing.py"}
    offenders = [
        f"bot/{path.relative_to(BOT).as_posix()}:{line}"
        for path in sorted(BOT.rglob("*.py"))
        if path.relative_to(BOT).as_posix() not in own
        for line in _kind_switches(path, names)
    ]
    assert not offenders, "switches on a source kind:\n" + "\n".join(offenders)


# Where a source kind is what "kind" means: these modules may name a kind only as a
# registered one; discovery's modules may not name one at all (the registry tells them).
SOURCE_KIND_MODULES = ("sources/", "cli/sources", "cli/discover.py", "app/source", "core/opml.py")
DISCOVERY_MODULES = (
    "sources/discover.py",
    "sources/discoverparse.py",
    "cli/discover.py",
    "app/sourceadd.py",
)
_KINDISH = re.compile(r"(^|_)kind$|^expected$", re.IGNORECASE)


def _ident(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _kind_literals(path: Path) -> Iterator[tuple[int, str]]:
    """Strings in a kind's place: compared with, assigned to or passed as something named
    `kind`/`*_kind`/`expected` (positional arguments of the module's own functions and
    dataclasses by their parameter's name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    params: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            params[node.name] = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        elif isinstance(node, ast.ClassDef):
            fields = [s.target for s in node.body if isinstance(s, ast.AnnAssign)]
            params[node.name] = [f.id for f in fields if isinstance(f, ast.Name)]
    for node in ast.walk(tree):
        placed: list[ast.AST] = []
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_KINDISH.search(_ident(s)) for s in sides):
                for side in sides:
                    placed += (
                        side.elts if isinstance(side, ast.Tuple | ast.Set | ast.List) else [side]
                    )
        elif isinstance(node, ast.Call):
            placed += [k.value for k in node.keywords if k.arg and _KINDISH.search(k.arg)]
            names = params.get(_ident(node.func), [])
            names = names[1:] if names[:1] in (["self"], ["cls"]) else names
            placed += [a for n, a in zip(names, node.args, strict=False) if _KINDISH.search(n)]
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_KINDISH.search(_ident(t)) for t in targets):
                placed.append(node.value)
        yield from ((node.lineno, t) for t in map(_text, placed) if t is not None)


def _modules(prefixes: tuple[str, ...]) -> Iterator[tuple[str, Path]]:
    for path in sorted(BOT.rglob("*.py")):
        rel = path.relative_to(BOT).as_posix()
        if rel.startswith(prefixes) and rel != "sources/kinds.py":
            yield rel, path


def test_a_source_kind_named_outside_the_registry_is_a_registered_one() -> None:
    names = set(kinds.kind_names())
    offenders = [
        f"bot/{rel}:{line}: {value!r}"
        for rel, path in _modules(SOURCE_KIND_MODULES)
        for line, value in _kind_literals(path)
        if value not in names
    ]
    assert not offenders, "kinds the registry does not have:\n" + "\n".join(offenders)


def test_discovery_names_no_source_kind_it_learns_them_from_the_registry() -> None:
    names = set(kinds.kind_names())
    offenders = []
    for rel, path in _modules(DISCOVERY_MODULES):
        named = [(line, value) for line, value in _literals(path) if value in names]
        offenders += [f"bot/{rel}:{line}: {v!r}" for line, v in [*named, *_kind_literals(path)]]
    assert not offenders, "source kinds named in discovery:\n" + "\n".join(sorted(set(offenders)))


def test_the_detector_sees_kinds_in_every_place_discovery_used_to_name_them(
    tmp_path: Path,
) -> None:
    """The checks above would have caught the hard-coded discovery of before the hooks."""
    old = tmp_path / "old.py"
    old.write_text(
        'RANK = {"sitemap": 1}\n'
        "def probe(url: str, found_by: str, expected: str) -> None: ...\n"
        'probe("https://t.me/s/x", "a t.me address", "channel")\n'
        "def summarise(kind: str) -> None:\n"
        '    if kind == "rss": ...\n'
        'LISTING_KIND = "listing"\n',
        encoding="utf-8",
    )
    assert sorted(_kind_literals(old)) == [(3, "channel"), (5, "rss"), (6, "listing")]
    assert ("sitemap" in {v for _, v in _literals(old)}) and "sitemap" in kinds.kind_names()


def _toy_lines(body: bytes, url: str) -> tuple[str | None, list[RawItem]]:
    rows = [line.split(" | ") for line in body.decode().splitlines() if line.strip()]
    home = url.rsplit("/", 1)[0]
    return None, [
        RawItem(source_id="", title=title, url=f"{home}/story/{guid}", guid=guid, text=text)
        for guid, title, text in rows
    ]


@pytest.fixture
def ledger_kind() -> Iterator[None]:
    """A toy kind with a discovery hook: discovery must find, rank and name it from that."""
    hook = kinds.DiscoveryHook(
        "a harbour ledger",
        rank=1,
        lacking="ledger",
        link_types=frozenset({"text/x-ledger"}),
        paths=("/harbour.ledger",),
    )
    register_kind(
        KindEntry(
            "ledger",
            "lines of guid | title | text",
            "text/x-ledger",
            poll_toy,
            OutlineForm("ledger", "url"),
            sniff=lambda body, ctype: ctype.startswith("text/x-ledger"),
            read=_toy_lines,
            discovery=hook,
        )
    )
    try:
        yield
    finally:
        del KINDS["ledger"]


async def test_discovery_finds_ranks_and_names_a_kind_from_its_registry_entry(
    ledger_kind: None,
) -> None:
    from bot.sources.discover import any_accept, discover
    from tests.servers.sites import HTML, Site, home
    from tests.sources.conftest import TEST_SETTINGS

    settings = replace(TEST_SETTINGS, read_timeout=10.0, total_timeout=30.0)
    link = '<link rel="alternate" type="text/x-ledger" href="/today.ledger">'
    ledger = (200, "text/x-ledger", TOY_FEED)
    linked = {"/": (200, HTML, home("Quay Ledger", "en", link)), "/today.ledger": ledger}
    at_path = {"/": (200, HTML, home("Quay Ledger", "en")), "/harbour.ledger": ledger}
    async with Fetcher(settings) as fetcher:
        with Site(linked) as site:
            found = await discover(fetcher, site.base)
        assert found.chosen is not None and found.chosen.kind == "ledger"
        assert (found.chosen.url, found.chosen.items) == (site.base + "/today.ledger", 2)
        assert found.reason.startswith("a harbour ledger, found by <link rel=alternate>")
        with Site(at_path) as site:
            found = await discover(fetcher, site.base)
        # rank 1: looked for after the feeds' paths, before the page itself as a listing
        assert found.chosen is not None and found.chosen.url == site.base + "/harbour.ledger"
        assert "as the site offers no working feed" in found.reason
        assert site.asked.index("/feed") < site.asked.index("/harbour.ledger")
    assert "text/x-ledger" in any_accept()
