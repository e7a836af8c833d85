"""`newswatch sources ...` and `newswatch extract` end to end: real config, real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.backoff import BackoffPolicy
from bot.models import Source
from bot.sources.collect import collect
from bot.sources.http import Fetcher
from bot.store import open_store
from tests.servers.misbehaving import DATA, MisbehavingServer
from tests.sources.conftest import TEST_SETTINGS
from tests.sources.test_collect import NOW

POLICY = BackoffPolicy(max_backoff=21_600, failing_after=3)


@pytest.fixture
def config(tmp_path: Path, server: MisbehavingServer) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        "database: nw.db\n"
        "fetch: {allow_private: true, read_timeout: 0.5}\n"
        "sources:\n"
        f"  - {{id: ledger, url: '{server.url('/f/feed_en.xml')}'}}\n"
        f"  - {{id: broken, url: '{server.url('/status/500')}', interval: 10m}}\n",
        encoding="utf-8",
    )
    return path


def test_import_export_and_list(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["sources", "import", str(DATA / "subscriptions.opml"), "--config", str(config)]) == 0
    )
    out = capsys.readouterr().out
    assert "4 added" in out
    assert (
        main(["sources", "import", str(DATA / "subscriptions.opml"), "--config", str(config)]) == 0
    )
    assert "0 added, 4 already known" in capsys.readouterr().out
    assert main(["sources", "list", "--json", "--config", str(config)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["origin"] for r in rows].count("opml") == 4
    assert {r["id"] for r in rows if r["origin"] == "config"} == {"ledger", "broken"}
    nasim = next(r for r in rows if "nasim" in r["url"])
    assert nasim["status"] == "never checked"
    assert main(["sources", "export", "--config", str(config)]) == 0
    exported = capsys.readouterr().out
    assert exported.count("<outline") == 6 and 'selector="div.latest a"' in exported
    assert 'kind="html"' in exported and "boomboom" in exported


async def test_a_failing_source_shows_and_recovers(
    config: Path, server: MisbehavingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the fetch cycle records, read back by `sources list`."""
    store = open_store(config.parent / "nw.db")
    source = Source(id="broken", url=server.url("/status/500"), interval=600)
    store.sync_sources([source])

    async with Fetcher(TEST_SETTINGS) as fetcher:
        for _ in range(3):
            outcome = await collect(fetcher, source, None, None, NOW, lambda _: False)
            assert outcome.error
            count = store.source_state("broken").error_count + 1
            store.record_fetch_error(
                "broken", NOW, outcome.next_check(POLICY, count), outcome.error, 3
            )
    store.close()
    assert main(["sources", "list", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "FAILING (3 errors)" in out and "HTTP 500" in out
    assert "2024-09-12 12:40 +0000" in out  # next check: 600 s doubled twice after the third error
    store = open_store(config.parent / "nw.db")
    store.record_fetch_success("broken", NOW, NOW, None, None)
    store.close()
    assert main(["sources", "list", "--config", str(config)]) == 0
    assert "FAILING" not in capsys.readouterr().out


def test_extract_file_and_url(
    config: Path, server: MisbehavingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    page = str(DATA / "page_ar.html")
    assert main(["extract", page, "--json", "--config", str(config)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["title"] == "وزير الدفاع يزور ميناء الرمال الشمالي"
    assert result["published_from"] == "text" and "اقرأ أيضاً" not in result["text"]
    url = server.url("/f/feed_en.xml")
    assert main(["extract", url, "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "feed: 3 items" in out and "The coastal guard took delivery" in out
    assert main(["extract", server.url("/f/page_en.html"), "--config", str(config)]) == 0
    assert "date:      2024-03-14T06:15:00+00:00 (from json-ld)" in capsys.readouterr().out
    assert main(["extract", server.url("/status/500"), "--config", str(config)]) == 1
