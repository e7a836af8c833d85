"""Prometheus metrics: one registry per process, named once here so dashboards stay stable."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    """All counters and gauges of one newswatch instance."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.articles_fetched = Counter(
            "newswatch_articles_fetched", "Items received from sources", registry=r
        )
        self.articles_stored = Counter(
            "newswatch_articles_stored", "New articles stored", registry=r
        )
        self.matches = Counter("newswatch_matches", "Rule matches recorded", ["kind"], registry=r)
        self.stories_created = Counter("newswatch_stories_created", "Stories started", registry=r)
        self.deliveries_sent = Counter(
            "newswatch_deliveries_sent", "Chat messages confirmed", ["platform"], registry=r
        )
        self.deliveries_failed = Counter(
            "newswatch_deliveries_failed", "Chat message attempts failed", ["platform"], registry=r
        )
        self.fetch_errors = Counter(
            "newswatch_fetch_errors", "Failed fetches", ["source"], registry=r
        )
        self.outbox_depth = Gauge(
            "newswatch_outbox_depth", "Messages waiting to be sent", registry=r
        )
        self.cycle_seconds = Histogram(
            "newswatch_cycle_seconds",
            "Duration of fetch and digest cycles",
            ["job"],
            buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
            registry=r,
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
