"""One poll per source against the misbehaving server: errors are values, never crashes."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.core.backoff import BackoffPolicy
from bot.core.identity import item_key
from bot.models import Source
from bot.sources.collect import collect
from bot.sources.http import Fetcher
from bot.sources.parsepool import ParsePool
from tests.servers.misbehaving import MisbehavingServer
from tests.sources.conftest import TEST_SETTINGS

NOW = datetime(2024, 9, 12, 12, 0, tzinfo=UTC)
POLICY = BackoffPolicy(max_backoff=21_600, failing_after=5)


def _unknown(key: str) -> bool:
    return False


def _src(server: MisbehavingServer, sid: str, path: str, **kw: object) -> Source:
    return Source(id=sid, url=server.url(path), **kw)  # type: ignore[arg-type]


async def test_misbehaving_sources_do_not_cost_others_their_items(
    server: MisbehavingServer, fetcher: Fetcher
) -> None:
    good = [
        _src(server, "ledger", "/f/feed_en.xml"),
        _src(server, "sada", "/1256/feed_ar.xml"),
        _src(server, "vestnik", "/1251/feed_ru.xml"),
        _src(server, "nasim", "/f/feed_fa.atom"),
        _src(server, "plain", "/as/text/plain/feed_en.xml"),  # wrong content type, still a feed
    ]
    bad = {
        "s429": ("/status/429", "HTTP 429"),
        "s500": ("/status/500", "HTTP 500"),
        "slow": ("/slow", "Timeout"),
        "endless": ("/endless", "bytes"),
        "bomb": ("/bomb", "decompressed"),
        "loop": ("/loop/a", "loop"),
        "htmlfeed": ("/as/application/rss+xml/page_en.html", "not a feed"),
        "missing": ("/f/nothing-here.xml", "HTTP 404"),
    }
    sources = good + [_src(server, sid, path) for sid, (path, _) in bad.items()]
    outcomes = await asyncio.gather(
        *(collect(fetcher, s, None, None, NOW, _unknown) for s in sources)
    )
    by_id = {o.source_id: o for o in outcomes}
    for s in good:
        assert by_id[s.id].error is None and by_id[s.id].items, s.id
    for sid, (_, reason) in bad.items():
        assert by_id[sid].error and reason in by_id[sid].error, (sid, by_id[sid].error)
        assert not by_id[sid].items
    assert by_id["sada"].items[0].title == "وزير الدفاع يزور ميناء الرمال الشمالي"
    assert by_id["vestnik"].items[0].title == "Министр обороны посетил северный порт"


async def test_second_poll_is_one_304(server: MisbehavingServer, fetcher: Fetcher) -> None:
    source = _src(server, "ru", "/f/feed_ru.xml")
    first = await collect(fetcher, source, None, None, NOW, _unknown)
    assert first.items and first.etag and first.floor == 600
    second = await collect(fetcher, source, first.etag, first.last_modified, NOW, _unknown)
    assert second.not_modified and not second.items and second.error is None
    assert second.etag == first.etag
    assert second.next_check(POLICY) == NOW + timedelta(seconds=900)
    assert server.hits["/f/feed_ru.xml"] == 2


async def test_teasers_get_their_page_text_and_thin_pages_fall_back(
    server: MisbehavingServer, fetcher: Fetcher
) -> None:
    source = _src(server, "ledger", "/f/feed_en.xml")
    outcome = await collect(fetcher, source, None, None, NOW, _unknown)
    drones, ferry, museum = outcome.items
    assert drones.text.startswith("The coastal guard took delivery")
    assert "Sign up" not in drones.text
    assert drones.published == datetime(2024, 3, 14, 6, 15, tzinfo=UTC)  # the feed's date
    assert ferry.text.startswith("The island ferry")  # full text in the feed: no page fetch
    assert museum.text.startswith("A new museum")  # page had almost nothing: the summary
    assert outcome.floor == 1800  # <ttl>30</ttl> beats max-age=600
    assert outcome.next_check(POLICY) == NOW + timedelta(seconds=1800)


async def test_known_items_cost_no_page_fetch(server: MisbehavingServer, fetcher: Fetcher) -> None:
    source = _src(server, "sada", "/f/feed_ar.xml", full_text=True)
    first = await collect(fetcher, source, None, None, NOW, _unknown)
    assert server.hits["/f/page_ar.html"] == 1
    assert "اقرأ أيضاً" not in first.items[0].text
    known = {item_key(i) for i in first.items}
    again = await collect(fetcher, source, None, None, NOW, known.__contains__)
    assert again.items == () and again.seen == 2
    assert server.hits["/f/page_ar.html"] == 1


async def test_full_text_page_failure_keeps_the_item_on_its_summary(
    server: MisbehavingServer, fetcher: Fetcher
) -> None:
    source = _src(server, "sada", "/f/feed_ar.xml", full_text=True)
    outcome = await collect(fetcher, source, None, None, NOW, _unknown)
    market = outcome.items[1]  # its page is a 404 on this server
    assert market.text.startswith("افتتحت البلدية") and outcome.page_errors
    assert outcome.error is None


async def test_listing_page_whose_links_move(server: MisbehavingServer, fetcher: Fetcher) -> None:
    source = Source(
        id="mirsad", url=server.url("/listing"), kind="html", selector="div.latest a.headline"
    )
    known: set[str] = set()
    first = await collect(fetcher, source, None, None, NOW, known.__contains__)
    assert [i.title for i in first.items] == ["Article 3", "Article 2", "Article 1"]
    assert first.items[0].published == datetime(2024, 9, 3, 12, tzinfo=UTC)
    assert first.items[0].text.startswith("This is the first paragraph of article number 3")
    known |= {item_key(i) for i in first.items}
    second = await collect(fetcher, source, None, None, NOW, known.__contains__)
    assert [i.title for i in second.items] == ["Article 4"]
    assert second.seen == 3


async def test_retry_after_sets_the_next_check(server: MisbehavingServer, fetcher: Fetcher) -> None:
    outcome = await collect(fetcher, _src(server, "busy", "/status/429"), None, None, NOW, _unknown)
    assert outcome.retry_after == 120
    assert outcome.next_check(POLICY, error_count=1) == NOW + timedelta(seconds=900)
    quick = Source(id="quick", url=server.url("/status/429"), interval=60)
    fast = await collect(fetcher, quick, None, None, NOW, _unknown)
    assert fast.next_check(POLICY, error_count=1) == NOW + timedelta(seconds=120)


async def test_parsing_in_a_process_pool(server: MisbehavingServer) -> None:
    settings = replace(TEST_SETTINGS, read_timeout=5.0)
    with ParsePool(1) as pool:
        async with Fetcher(settings) as fetcher:
            assert pool.executor is not None
            feed = _src(server, "ledger", "/f/feed_en.xml")
            outcome = await collect(fetcher, feed, None, None, NOW, _unknown, pool=pool)
            page = _src(server, "h", "/as/text/html/page_en.html")
            bad = await collect(fetcher, page, None, None, NOW, _unknown, pool=pool)
    assert outcome.items[0].text.startswith("The coastal guard took delivery")
    assert bad.error and "not a feed" in bad.error


async def test_listing_found_automatically_reads_every_article(
    server: MisbehavingServer, fetcher: Fetcher
) -> None:
    source = Source(id="tern", url=server.url("/f/listing_structured.html"), kind="html")
    outcome = await collect(fetcher, source, None, None, NOW, _unknown)
    assert outcome.error is None and outcome.warning is None and not outcome.page_errors
    assert [i.title for i in outcome.items] == [
        "Article 12",
        "Article 11",
        "Article 9",
        "Article 7",
        "World story-abc",
        "World story-def",
        "World story-ghi",
    ]
    assert all(i.text.startswith("This report, filed under") for i in outcome.items)


async def test_a_listing_that_yields_nothing_is_a_warning(
    server: MisbehavingServer, fetcher: Fetcher
) -> None:
    empty = Source(id="e", url=server.url("/f/listing_empty.html"), kind="html")
    outcome = await collect(fetcher, empty, None, None, NOW, _unknown)
    assert outcome.error is None and outcome.items == ()
    assert outcome.warning == "no article links found on the listing"
    wrong = Source(
        id="w", url=server.url("/f/listing_structured.html"), kind="html", selector="ul.gone a"
    )
    outcome = await collect(fetcher, wrong, None, None, NOW, _unknown)
    assert outcome.warning == "selector 'ul.gone a' matched nothing"


async def test_a_listed_page_without_text_is_a_page_error(
    server: MisbehavingServer, fetcher: Fetcher
) -> None:
    source = Source(id="p", url=server.url("/listing"), kind="html", selector="div.pager a")
    outcome = await collect(fetcher, source, None, None, NOW, _unknown)
    assert outcome.items == () and outcome.error is None
    assert outcome.page_errors == (
        f"{server.url('/listing?page=2')}: no article text found on the page",
    )
