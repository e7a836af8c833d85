"""The web adapter's pure parts: evidence highlighting, inert text, durations, outlet links,
trend series and charts; and its place in the layering (no config, no other adapter)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.models import HourlyCount, Outlet, SourceHealth, Story
from bot.web import present, svg

WEB = Path(__file__).resolve().parents[2] / "bot" / "web"


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("abc", [], [("abc", None)]),
        ("", [], [("", None)]),
        ("drone strike", [(0, 5, "#drones")], [("drone", "#drones"), (" strike", None)]),
        ("a drone", [(2, 7, "#d")], [("a ", None), ("drone", "#d")]),
        ("abcdef", [(1, 3, "x"), (2, 5, "y")], [("a", None), ("bcde", "x"), ("f", None)]),
        ("abc", [(2, 99, "x"), (-4, 1, "y")], [("a", "y"), ("b", None), ("c", "x")]),
        ("abc", [(2, 2, "empty")], [("abc", None)]),
        ("a\u202eb\u202cc d", [(4, 5, "x")], [("ab", None), ("c", "x"), (" d", None)]),
    ],
)
def test_segments(text: str, spans: list[tuple[int, int, str]], expected: list[object]) -> None:
    assert present.segments(text, spans) == expected


def test_inert_keeps_lines_and_persian_joiners() -> None:
    assert present.inert("a\x00b\nc\u2067d\u200ce") == "a b\ncd\u200ce"
    assert present.line("  <b>\u202eTitle</b>\n  two ") == "<b>Title</b> two"


@pytest.mark.parametrize(
    ("value", "span"),
    [
        ("90m", timedelta(minutes=90)),
        ("24h", timedelta(hours=24)),
        (" 7d ", timedelta(days=7)),
        ("", None),
        ("7", None),
        ("1w", None),
        ("-1h", None),
        (None, None),
    ],
)
def test_parse_since(value: str | None, span: timedelta | None) -> None:
    assert present.parse_since(value) == span


def test_outlet_links_each_link_once_and_only_http() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    story = Story(
        1,
        "t",
        "l",
        now,
        now,
        (1, 2, 3, 4),
        (
            Outlet("One", "https://one.example/a"),
            Outlet("Two", "javascript:alert(1)"),
            Outlet("Mirror", "https://one.example/a"),
            Outlet("Three\u202e", "https://three.example/x"),
        ),
    )
    assert present.outlet_links(story) == [
        ("One", "https://one.example/a"),
        ("Two", None),
        ("Mirror", None),
        ("Three", "https://three.example/x"),
    ]


def test_sources_failing_first() -> None:
    def source(sid: str, **kw: object) -> SourceHealth:
        base: dict[str, object] = {
            "id": sid,
            "name": sid,
            "url": "https://x.example",
            "kind": "feed",
            "enabled": True,
            "last_checked": None,
            "last_success": None,
            "last_error": None,
            "last_error_at": None,
            "error_count": 0,
            "failing": False,
            "next_check": None,
            "articles_stored": 0,
        }
        return SourceHealth(**{**base, **kw})  # type: ignore[arg-type]

    now = datetime(2026, 1, 1, tzinfo=UTC)
    found = [
        source("a-ok", last_success=now),
        source("b-off", enabled=False),
        source("c-new"),
        source("d-warn", error_count=1, last_success=now),
        source("e-bad", error_count=7, failing=True),
        source("f-empty", last_success=now, warning="no items"),
        source("g-pages", last_success=now, page_errors=3),
    ]
    ordered = present.sources_in_order(found)
    assert [(s.id, present.source_status(s)) for s in ordered] == [
        ("e-bad", "failing"),
        ("d-warn", "warning"),
        ("f-empty", "warning"),
        ("c-new", "never"),
        ("a-ok", "ok"),
        ("g-pages", "ok"),
        ("b-off", "disabled"),
    ]


def test_trend_series_and_chart() -> None:
    now = datetime(2026, 1, 2, 10, 30, tzinfo=UTC)
    counts = [
        HourlyCount("topic", "drones", datetime(2026, 1, 2, 10, tzinfo=UTC), 4, 2),
        HourlyCount("topic", "drones", datetime(2026, 1, 2, 8, tzinfo=UTC), 1, 1),
        HourlyCount("entity", "x", datetime(2025, 12, 1, tzinfo=UTC), 9, 9),  # too old
    ]
    data = svg.series(counts, now, 4)
    assert data == {("topic", "drones"): [(0, 0), (1, 1), (0, 0), (4, 2)]}
    chart = svg.chart(data[("topic", "drones")], 'Drones <&> "x"')
    assert chart.startswith("<svg") and chart.count("<rect") == 2
    assert "Drones &lt;&amp;&gt; &quot;x&quot;: 5 articles" in chart
    assert "style=" not in chart and "<script" not in chart


FORBIDDEN = ("bot.config", "bot.store", "bot.sources", "bot.chat", "bot.cli", "bot.app")


@pytest.mark.parametrize("module", sorted(WEB.glob("*.py")), ids=lambda p: p.name)
def test_web_imports_no_config_and_no_other_adapter(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert not name.startswith(FORBIDDEN), f"{module.name} imports {name}"
