"""What an operator sees of a running daemon: /readyz, /metrics and the JSON log."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.daemon.harness import (
    TOKEN,
    Daemon,
    Outlets,
    RecordingTelegram,
    free_port,
    write_config,
)


def metrics(daemon: Daemon) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, parsed by prometheus_client: (name, labels) → value."""
    response = daemon.get("/metrics")
    assert response is not None and response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float:  # fmt: skip
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def readiness(daemon: Daemon) -> tuple[int, dict[str, Any]] | None:
    response = daemon.get("/readyz")
    return None if response is None else (response.status_code, response.json())


def test_ready_after_a_fetch_cycle_metrics_move_and_the_log_is_json_without_tokens(
    home: Path, telegram: RecordingTelegram
) -> None:
    # the first cycle takes a while, so the daemon is seen not ready before it ends
    with Outlets(delay=lambda path: 3.0 if path != "/missing.rss" else 0.0) as outlets:
        port = free_port()
        # an outlet whose feed answers with no items: a warning, shown but not unready
        outlets.feeds["/silent.rss"] = (
            b"<rss version='2.0'><channel><title>s</title></channel></rss>"
        )
        config = write_config(home, outlets, [*outlets.add_wave(0), "missing", "silent"], port=port)
        # the first send fails with an error that quotes the token, as a proxy might
        telegram.fail("sendMessage", 500, description=f"Internal error at /bot{TOKEN}/send")
        daemon = Daemon(config, telegram, port)
        try:
            status, body = daemon.wait("the health server", lambda: readiness(daemon))
            before = metrics(daemon)
            assert status == 503, body
            assert body["checks"]["fetch"] == {
                "ok": False,
                "detail": "no fetch cycle completed yet",
            }
            assert body["checks"]["database"]["ok"] is True
            assert value(before, "newswatch_articles_stored_total") == 0

            daemon.wait("readiness", lambda: (r := readiness(daemon)) and r[0] == 200)
            ready = readiness(daemon)
            assert ready is not None and set(ready[1]["checks"]) == {
                "database",
                "fetch",
                "sources",
                "telegram",
            }
            assert ready[1]["checks"]["sources"] == {
                "ok": True,
                "detail": "1 with warnings: silent: the feed lists no items",
            }
            daemon.wait("a delivery after the failed first try", lambda: telegram.sent_by_id(),
                        timeout=30)  # fmt: skip
            daemon.wait(
                "the delivery counted",
                lambda: value(metrics(daemon), "newswatch_deliveries_sent_total",
                              platform="telegram") >= 1,
            )  # fmt: skip
            after = metrics(daemon)
            code, _ = daemon.signal(signal.SIGTERM)
        finally:
            daemon.kill()
    assert code == 0, daemon.logs()

    assert value(after, "newswatch_articles_fetched_total") >= 18
    assert value(after, "newswatch_articles_stored_total") == 18
    assert value(after, "newswatch_stories_created_total") >= 1
    assert value(after, "newswatch_matches_total", kind="topic") >= 18
    assert value(after, "newswatch_fetch_errors_total", source="missing") >= 1
    assert value(after, "newswatch_fetch_errors_total", source="w0o0") == 0
    assert value(after, "newswatch_deliveries_failed_total", platform="telegram") == 1
    assert value(after, "newswatch_cycle_seconds_count", job="fetch") >= 1
    assert value(after, "newswatch_cycle_seconds_count", job="instant") >= 1
    assert value(after, "newswatch_outbox_depth") == 0
    assert value(after, "newswatch_source_warning", source="silent") == 1
    assert value(after, "newswatch_source_warning", source="w0o0") == 0

    text = daemon.out.read_text(encoding="utf-8") + daemon.err.read_text(encoding="utf-8")
    assert TOKEN not in text
    records = [json.loads(line) for line in daemon.out.read_text().splitlines()]
    failed = [r for r in records if r["message"].startswith("send failed")]
    assert failed and "/bot***/send" in failed[0]["message"], failed
    assert failed[0]["channel"] == "desk"
    assert any(r.get("source") == "missing" and r["level"] == "WARNING" for r in records)
    assert any(r.get("source") == "w0o0" and r.get("new") == 6 for r in records)


def test_slack_without_an_app_token_serves_signed_http_only(home: Path, outlets: Outlets) -> None:
    port, slack_port = free_port(), free_port()
    config = write_config(home, outlets, outlets.add_wave(0), port=port)
    with config.open("a", encoding="utf-8") as f:
        f.write(f"slack: {{host: 127.0.0.1, port: {slack_port}}}\n")
    secrets = {
        "SLACK_BOT_TOKEN": "xoxb-daemon-test-bot-token",
        "SLACK_SIGNING_SECRET": "s3cr3t-sign",
    }
    daemon = Daemon(config, None, port, extra_env=secrets)
    try:
        daemon.wait("the Slack endpoint", lambda: daemon.logged("slack: connected"))
        unsigned = httpx.post(
            f"http://127.0.0.1:{slack_port}/slack/events",
            data={"command": "/newswatch", "text": "help"},
        )
        ready = readiness(daemon)
        code, _ = daemon.signal(signal.SIGTERM)
    finally:
        daemon.kill()
    assert code == 0, daemon.logs()
    assert unsigned.status_code == 401  # bolt refuses a request without Slack's signature
    assert ready is not None and ready[1]["checks"]["slack"]["ok"] is True
    assert daemon.logged("chat adapters: slack")
    text = daemon.out.read_text(encoding="utf-8") + daemon.err.read_text(encoding="utf-8")
    assert not any(secret in text for secret in secrets.values())
