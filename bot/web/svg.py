"""Trend charts as small inline SVG, drawn on the server: articles per hour as bars, stories
per hour as a line. No script and no style attribute (the page's CSP allows neither inline)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from html import escape

from bot.models import HourlyCount

WIDTH, HEIGHT = 336, 48


def hour_floor(dt: datetime) -> datetime:
    return dt.replace(minute=0, second=0, microsecond=0)


def series(
    counts: Iterable[HourlyCount], now: datetime, hours: int
) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """Per (kind, target): (articles, stories) for each of the last `hours` hours, oldest first."""
    start = hour_floor(now) - timedelta(hours=hours - 1)
    out: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for c in counts:
        slot = int((c.hour - start).total_seconds() // 3600)
        if 0 <= slot < hours:
            row = out.setdefault((c.kind, c.target), [(0, 0)] * hours)
            row[slot] = (c.articles, c.stories)
    return out


def chart(points: Sequence[tuple[int, int]], label: str) -> str:
    """The SVG for one series; `label` (a rule's name) is escaped into its title."""
    n = max(len(points), 1)
    top = max([a for a, _ in points] + [1])
    step = WIDTH / n
    bars = []
    line = []
    for i, (articles, stories) in enumerate(points):
        x = i * step
        if articles:
            h = max(1.0, articles / top * (HEIGHT - 4))
            bars.append(
                f'<rect class="a" x="{x:.1f}" y="{HEIGHT - h:.1f}" '
                f'width="{max(step - 0.5, 0.5):.1f}" height="{h:.1f}"/>'
            )
        y = HEIGHT - (stories / top * (HEIGHT - 4))
        line.append(f"{x + step / 2:.1f},{y:.1f}")
    total = sum(a for a, _ in points)
    title = escape(f"{label}: {total} articles in the last {len(points)} hours")
    return (
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" '
        f'role="img" aria-label="{title}"><title>{title}</title>'
        f'<line class="base" x1="0" y1="{HEIGHT - 0.5}" x2="{WIDTH}" y2="{HEIGHT - 0.5}"/>'
        + "".join(bars)
        + f'<polyline class="s" points="{" ".join(line)}"/></svg>'
    )
