"""The registries are the only variation points: a toy chat platform and a toy source kind,
added through `register_platform` and `register_kind` alone, run end to end through the real
assembly (a fetch cycle over a loopback server, matching, a story, a digest, the toy sender);
and no platform name is written in `bot/` outside the registry and the platform's modules."""

from __future__ import annotations

import ast
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

    for entry in (*kinds.KINDS.values(), *platforms.PLATFORMS.values()):
        for field in ("poll", "sniff", "read", "sender", "render", "adapter"):
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
