"""A Telegram post edited after it was fetched, in a fetch-only process (`run --role fetch`,
fetch_cycle(analyse=False)): the worker stores the edited text and leaves the article marked;
the analyser (analyse_pending) matches it again with the new text, in the story it has, as
the single process does at once. The channel is served on loopback (kinds_site.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.app.assembly import Instance
from bot.app.ingest import SourceReport
from bot.sources.http import Fetcher, FetchSettings
from tests.sources.kinds_site import KindsSite
from tests.sources.test_kinds_polls import NOW, make_instance, stored

ROAD = "https://t.me/qawsnews/203"  # "next week" at first, "on Monday" once edited
RULES = """\
topics:
  monday-openings:
    name: Monday openings
    query: 'دوشنبه'
  ports:
    name: Ports
    query: 'بندر'
"""


def _instance(tmp_path: Path, base: str) -> Instance:
    sources = f"  - {{id: qaws, kind: telegram, url: {base}/s/qawsnews, lang: fa}}\n"
    return make_instance(tmp_path, sources, rules=RULES)


async def _fetch_only(instance: Instance, site: KindsSite, stage: int, hours: int) -> SourceReport:
    site.stage = stage
    settings = FetchSettings.from_settings(instance.config.settings.fetch)
    async with Fetcher(settings) as fetcher:
        [report] = await instance.pipeline.fetch_cycle(
            fetcher, instance.config.sources, NOW + timedelta(hours=hours), analyse=False
        )
    return report


async def test_an_edit_fetched_by_a_fetch_only_worker_is_matched_again_by_the_analyser(
    site: KindsSite, tmp_path: Path
) -> None:
    instance = _instance(tmp_path, site.base)
    store = instance.store
    try:
        first = await _fetch_only(instance, site, 1, 0)
        assert (first.status, first.error) == ("new", None)
        instance.pipeline.analyse_pending()
        road = stored(instance)[ROAD]
        assert road.id is not None
        story = store.story_of(road.id)
        topics = {m.id for m in store.matches_for(road.id).topics}
        assert story is not None and topics == {"ports"}

        third = await _fetch_only(instance, site, 3, 2)
        assert third.updated == 1  # the worker stored the edit ...
        assert {m.id for m in store.matches_for(road.id).topics} == {"ports"}
        assert [a.id for a in store.edited_articles()] == [road.id]  # ... for the analyser

        _, rematched = instance.pipeline.analyse_stored()
        assert rematched == 1  # one edit matched again: instant alerts look again too
        topics = {m.id for m in store.matches_for(road.id).topics}
        assert topics == {"ports", "monday-openings"}  # matched with the edited text
        assert store.story_of(road.id) == story  # in the story it had
        assert store.edited_articles() == []

        again = await _fetch_only(instance, site, 3, 3)  # the same page: nothing edited
        assert (again.updated, store.edited_articles()) == (0, [])
    finally:
        instance.close()
