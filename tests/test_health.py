from __future__ import annotations

import io
import json
import logging

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.app.health import HealthServer
from bot.app.metrics import Metrics
from bot.logs import setup_logging


async def test_health_ready_and_metrics_over_http() -> None:
    metrics = Metrics()
    state = {"db": True}
    server = HealthServer(
        "127.0.0.1",
        0,
        metrics,
        {"database": lambda: (state["db"], "writable"), "broken": lambda: (True, "ok")},
    )
    port = await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            assert (await client.get("/healthz")).text == "ok\n"
            ready = await client.get("/readyz")
            assert ready.status_code == 200 and ready.json()["ready"] is True
            state["db"] = False
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"] == {"ok": False, "detail": "writable"}
            metrics.articles_stored.inc(3)
            metrics.fetch_errors.labels(source="alpha").inc()
            text = (await client.get("/metrics")).text
    finally:
        await server.stop()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    stored = families["newswatch_articles_stored"].samples
    assert any(s.name == "newswatch_articles_stored_total" and s.value == 3 for s in stored)
    errors = families["newswatch_fetch_errors"].samples
    assert any(s.labels.get("source") == "alpha" and s.value == 1 for s in errors)


def test_json_logs_carry_extras_and_never_secrets() -> None:
    stream = io.StringIO()
    handler = setup_logging("INFO", "json", ["123456:SECRET-TOKEN"], stream=stream)
    try:
        log = logging.getLogger("newswatch.test")
        log.info(
            "calling https://api.example/bot123456:SECRET-TOKEN/getMe",
            extra={"source": "alpha", "url": "/bot123456:SECRET-TOKEN/x"},
        )
        try:
            raise RuntimeError("failed with 123456:SECRET-TOKEN")
        except RuntimeError:
            log.exception("boom", extra={"channel": "ops"})
    finally:
        logging.getLogger().removeHandler(handler)
    out = stream.getvalue()
    assert "SECRET-TOKEN" not in out
    first, second = (json.loads(line) for line in out.splitlines() if line.startswith("{"))
    assert first["source"] == "alpha" and "***" in first["message"] and "***" in first["url"]
    assert second["channel"] == "ops" and "***" in second["exception"]
