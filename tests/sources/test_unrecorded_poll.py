"""A fetch cycle whose answered polls cannot be recorded (the database refuses the write)
reports those sources as errors, never as fine: their articles are stored, their state is
not, so the next cycle polls them again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.sources.kinds_site import KindsSite
from tests.sources.test_kinds_polls import make_instance, poll, stored


async def test_a_poll_the_store_refuses_to_record_is_reported_as_an_error(
    site: KindsSite, tmp_path: Path
) -> None:
    sources = f"  - {{id: qaws, kind: telegram, url: {site.base}/s/qawsnews, lang: ar}}\n"
    instance = make_instance(tmp_path, sources)
    try:
        with sqlite3.connect(tmp_path / "nw.db") as db:  # a real refusal, from SQLite itself
            db.execute(
                "CREATE TRIGGER refuse BEFORE UPDATE OF last_success_at ON sources "
                "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            )
        report = await poll(instance, site, 1, 0)
        assert report.status == "error"
        assert report.error is not None and "recording the poll failed" in report.error
        assert "the disk is full" in report.error
        assert len(stored(instance)) == 5  # what was fetched is kept
        assert instance.store.source_state("qaws").last_success_at is None
    finally:
        instance.close()
