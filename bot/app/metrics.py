"""Prometheus metrics: one registry per process, named once here so dashboards stay stable.

The jobs take a `Metrics` always: the daemon's counts, and NO_METRICS (counts nothing) for
the CLI, the demo and eval, so no caller checks for None.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_Child = TypeVar("_Child", covariant=True)


class Count(Protocol):
    def inc(self, amount: float = 1) -> None: ...


class Level(Protocol):
    def set(self, value: float) -> None: ...


class Timing(Protocol):
    def observe(self, amount: float) -> None: ...


class Labelled(Protocol[_Child]):
    def labels(self, **labels: str) -> _Child: ...


class Metrics:
    """All counters and gauges of one newswatch instance."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.articles_fetched: Count = Counter(
            "newswatch_articles_fetched", "Items received from sources", registry=r
        )
        self.articles_stored: Count = Counter(
            "newswatch_articles_stored", "New articles stored", registry=r
        )
        self.matches: Labelled[Count] = Counter(
            "newswatch_matches", "Rule matches recorded", ["kind"], registry=r
        )
        self.stories_created: Count = Counter(
            "newswatch_stories_created", "Stories started", registry=r
        )
        self.deliveries_sent: Labelled[Count] = Counter(
            "newswatch_deliveries_sent", "Chat messages confirmed", ["platform"], registry=r
        )
        self.deliveries_failed: Labelled[Count] = Counter(
            "newswatch_deliveries_failed", "Chat message attempts failed", ["platform"], registry=r
        )
        self.fetch_errors: Labelled[Count] = Counter(
            "newswatch_fetch_errors", "Failed fetches", ["source"], registry=r
        )
        self.page_errors: Labelled[Count] = Counter(
            "newswatch_page_errors", "Article pages that failed", ["source"], registry=r
        )
        self.source_warning: Labelled[Level] = Gauge(
            "newswatch_source_warning",
            "1 while a source's last poll gave nothing to read (no links, no items)",
            ["source"],
            registry=r,
        )
        self.items_waiting: Labelled[Level] = Gauge(
            "newswatch_items_waiting",
            "Items waiting for their article page",
            ["source"],
            registry=r,
        )
        self.outbox_depth: Level = Gauge(
            "newswatch_outbox_depth", "Messages waiting to be sent", registry=r
        )
        self.cycle_seconds: Labelled[Timing] = Histogram(
            "newswatch_cycle_seconds",
            "Duration of fetch and digest cycles",
            ["job"],
            buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
            registry=r,
        )

        self.role_active: Labelled[Level] = Gauge(
            "newswatch_role_active",
            "1 while this role process works (holds its lead), 0 while it stands by",
            ["role"],
            registry=r,
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _Nothing:
    """Stands in for a counter, gauge or histogram (and their labelled children)."""

    def labels(self, **_: str) -> _Nothing:
        return self

    def inc(self, amount: float = 1) -> None:
        return None

    def set(self, value: float) -> None:
        return None

    def observe(self, amount: float) -> None:
        return None


class NoMetrics(Metrics):
    """Metrics that count nothing: for the CLI, the demo and eval, which serve no /metrics,
    so the jobs call their metrics unconditionally instead of checking for None."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        nothing = _Nothing()
        self.articles_fetched = self.articles_stored = self.matches = nothing
        self.stories_created = self.deliveries_sent = self.deliveries_failed = nothing
        self.fetch_errors = self.outbox_depth = self.cycle_seconds = nothing
        self.page_errors = self.source_warning = self.items_waiting = nothing
        self.role_active = nothing


NO_METRICS: Metrics = NoMetrics()
