"""A fetch worker's tick can take many leased batches: the worker says it is alive after
each one (what /healthz reads), not only at the start of the tick."""

from __future__ import annotations

from pathlib import Path

from bot.app.roles import fetch_lease, fetch_leased
from bot.sources.http import Fetcher, FetchSettings
from tests.sources.kinds_site import KindsSite
from tests.sources.test_kinds_polls import NOW, make_instance


async def test_the_worker_beats_after_every_leased_batch(site: KindsSite, tmp_path: Path) -> None:
    sources = "".join(
        f"  - {{id: qaws{n}, kind: telegram, url: '{site.base}/s/qawsnews?n={n}', lang: ar}}\n"
        for n in range(3)
    )
    instance = make_instance(tmp_path, sources, fetch=", concurrency: 1")  # batches of 2
    beats: list[tuple[str, str]] = []
    try:
        settings = FetchSettings.from_settings(instance.config.settings.fetch)
        due = instance.pipeline.sources_to_fetch(instance.config.sources, NOW)
        async with Fetcher(settings) as fetcher:
            fetched = await fetch_leased(
                instance.pipeline,
                fetcher,
                instance.store,
                "worker-1",
                due,
                fetch_lease(settings.total_timeout),
                beat=lambda state, note: beats.append((state, note)),
            )
    finally:
        instance.close()
    assert fetched == 3
    assert [state for state, _ in beats] == ["active", "active"]
    assert beats[0][1].startswith("fetched 2 source(s), 1 left of 3 due")
    assert beats[1][1].startswith("fetched 1 source(s), 0 left of 3 due")
