"""The telegram, sitemap and jsonfeed kinds end to end: a loopback site polled three times
(new, unchanged, one more) through the real assembly, store and pipeline; each kind's items
stored once with their dates, links and languages, and conditional requests and paging
where the kind uses them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app.assembly import Instance, assemble, fetch_once
from bot.app.ingest import SourceReport
from bot.config import config_from_text
from bot.models import Article
from tests.sources.kinds_site import KindsSite

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
RULES = """\
entities:
  ramal:
    name: Ramal
    kind: place
    aliases: [الرمال, Ramal]
topics:
  ports:
    name: Ports
    query: 'ميناء OR harbour OR بندر'
"""


def make_instance(tmp_path: Path, sources: str, fetch: str = "", rules: str = RULES) -> Instance:
    (tmp_path / "rules").mkdir(exist_ok=True)
    (tmp_path / "rules" / "ports.yaml").write_text(rules, encoding="utf-8")
    text = f"database: nw.db\nfetch: {{allow_private: true{fetch}}}\nsources:\n{sources}"
    config = config_from_text(text, "<kinds>", tmp_path, {})
    return assemble(config, tmp_path / "nw.db")


async def poll(instance: Instance, site: KindsSite, stage: int, hours: int) -> SourceReport:
    site.stage = stage
    site.requests.clear()
    [report] = await fetch_once(instance, NOW + timedelta(hours=hours))
    return report


def stored(instance: Instance) -> dict[str, Article]:
    """Every stored article by its link."""
    found = instance.store.articles(range(1, 1 + instance.store.article_count() * 2))
    return {a.url: a for a in found}


async def test_a_telegram_channel_over_three_polls(site: KindsSite, tmp_path: Path) -> None:
    sources = f"  - {{id: qaws, kind: telegram, url: {site.base}/s/qawsnews, lang: ar}}\n"
    instance = make_instance(tmp_path, sources)
    try:
        first = await poll(instance, site, 1, 0)
        assert (first.status, first.new, first.error) == ("new", 5, None)
        # the first poll pages back once (?before=), and the older page ends the channel
        assert site.requests == ["/s/qawsnews", "/s/qawsnews?before=201"]
        articles = stored(instance)
        assert sorted(articles) == [f"https://t.me/qawsnews/{n}" for n in range(200, 205)]
        caravan = articles["https://t.me/qawsnews/201"]
        assert caravan.title == "وصول قافلة مساعدات طبية إلى ميناء الرمال الشرقي صباح اليوم"
        assert "ثلاثين شاحنة" in caravan.text
        assert caravan.published == datetime(2026, 12, 6, 7, 10, tzinfo=UTC)
        reply = articles["https://t.me/qawsnews/204"]
        assert reply.text.startswith("تحديث: إعادة فتح الرصيف الشمالي")
        assert "Harbour authority" not in reply.text  # the quoted post is not this post's text
        assert articles["https://t.me/qawsnews/200"].text.endswith("highest in a decade.")

        second = await poll(instance, site, 2, 1)
        assert (second.status, second.new, second.error) == ("unchanged", 0, None)
        assert site.requests == ["/s/qawsnews"]  # no paging once posts are known

        third = await poll(instance, site, 3, 2)
        assert (third.status, third.new, third.error) == ("new", 1, None)
        assert site.requests == ["/s/qawsnews"]
        articles = stored(instance)
        assert len(articles) == 6  # 205 is new; the deleted 202 stays as it was stored
        assert articles["https://t.me/qawsnews/205"].published == datetime(
            2026, 12, 7, 5, 40, tzinfo=UTC
        )
        assert "https://t.me/qawsnews/202" in articles
        assert third.updated == 1  # 203 was edited: its stored text follows
        road = articles["https://t.me/qawsnews/203"]
        assert "نود کیلومتر" in road.text and "روز دوشنبه" in road.title
        assert road.published == datetime(2026, 12, 6, 10, 2, tzinfo=UTC)  # its date stays

        fourth = await poll(instance, site, 3, 3)  # the same page again: nothing to do
        assert (fourth.status, fourth.new, fourth.updated) == ("unchanged", 0, 0)
    finally:
        instance.close()


async def test_a_telegram_post_with_full_text_reads_the_page_it_shares(
    site: KindsSite, tmp_path: Path
) -> None:
    sources = f"  - {{id: qaws, kind: telegram, url: {site.base}/s/qawsnews, full_text: true}}\n"
    instance = make_instance(tmp_path, sources)
    try:
        report = await poll(instance, site, 1, 0)
        assert (report.new, report.page_errors) == (5, ())
        assert site.asked("/outlet/") == ["/outlet/caravan.html"]  # the one shared link
        articles = stored(instance)
        outlet = articles[f"{site.base}/outlet/caravan.html"]  # the outlet link, not t.me
        assert "فرق التفريغ عملت طوال الليل" in outlet.text  # the page's text
        assert outlet.published == datetime(2026, 12, 6, 7, 10, tzinfo=UTC)  # the post's
        assert "https://t.me/qawsnews/201" not in articles
        assert "https://t.me/qawsnews/202" in articles  # nothing shared: the post itself
    finally:
        instance.close()


async def test_a_news_sitemap_index_over_three_polls(site: KindsSite, tmp_path: Path) -> None:
    sources = f"  - {{id: anba, kind: sitemap, url: {site.base}/sitemap_index.xml}}\n"
    instance = make_instance(tmp_path, sources)
    try:
        first = await poll(instance, site, 1, 0)
        assert (first.status, first.new, first.error, first.page_errors) == ("new", 3, None, ())
        # the recent child only; the 2019 one is outside the window, as is the old URL
        assert site.asked("/sitemap") == ["/sitemap_index.xml", "/sitemaps/news.xml"]
        assert "/akhbar/2026/11/02/old-market.html" not in site.requests
        articles = stored(instance)
        cranes = articles[f"{site.base}/akhbar/2026/12/06/port-cranes.html"]
        assert cranes.title == "رافعات جديدة في ميناء الرمال الشمالي"
        assert cranes.published == datetime(2026, 12, 6, 9, 0, tzinfo=UTC)  # news date, +03:00
        assert cranes.lang == "ar" and "أربع رافعات حاويات" in cranes.text
        road = articles[f"{site.base}/fa/news/coastal-road.html"]
        assert road.lang == "fa" and road.published == datetime(2026, 12, 6, 11, 10, tzinfo=UTC)
        assert "جاده‌ی ساحلی" in road.text  # the zero-width non-joiner kept

        second = await poll(instance, site, 2, 1)
        assert (second.status, second.new, second.error) == ("unchanged", 0, None)
        assert not site.asked("/akhbar/")  # known URLs: no page fetched again

        third = await poll(instance, site, 3, 2)
        assert (third.status, third.new, third.error) == ("new", 1, None)
        assert site.asked("/akhbar/") == ["/akhbar/2026/12/07/coral-trade.html"]
        coral = stored(instance)[f"{site.base}/akhbar/2026/12/07/coral-trade.html"]
        assert coral.published == datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
    finally:
        instance.close()


async def test_a_json_feed_over_three_polls(site: KindsSite, tmp_path: Path) -> None:
    sources = f"  - {{id: courier, kind: jsonfeed, url: {site.base}/feed.json}}\n"
    instance = make_instance(tmp_path, sources)
    try:
        first = await poll(instance, site, 1, 0)
        assert (first.status, first.new, first.error) == ("new", 3, None)
        # teasers' pages are read; the item carrying its whole text is not
        assert sorted(site.asked("/en/") + site.asked("/fa/")) == [
            "/en/lighthouse-keepers.html",
            "/fa/news/coastal-road.html",
        ]
        articles = stored(instance)
        keepers = articles[f"{site.base}/en/lighthouse-keepers.html"]
        assert keepers.published == datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
        assert keepers.lang == "en" and "one hundred and twelve steps" in keepers.text
        ferry = articles[f"{site.base}/en/ferry-timetable"]
        assert ferry.title == "Winter ferry timetable announced"
        assert ferry.published == datetime(2026, 12, 6, 14, 30, tzinfo=UTC)
        assert "05:40 stays" in ferry.text and "<p>" not in ferry.text
        road = articles[f"{site.base}/fa/news/coastal-road.html"]  # its external_url
        assert road.lang == "fa" and road.published == datetime(2026, 12, 6, 11, 10, tzinfo=UTC)

        second = await poll(instance, site, 2, 1)
        assert (second.status, second.new, second.error) == ("unchanged", 0, None)
        assert site.requests == ["/feed.json"]  # answered 304: conditional request

        third = await poll(instance, site, 3, 2)
        assert (third.status, third.new, third.error) == ("new", 1, None)
        nets = stored(instance)[f"{site.base}/en/net-mending.html"]
        assert nets.published == datetime(2026, 12, 7, 4, 15, tzinfo=UTC)
        assert "eleven pupils" in nets.text
    finally:
        instance.close()


async def test_a_plain_gzipped_sitemap_is_read_by_its_lastmod(
    site: KindsSite, tmp_path: Path
) -> None:
    sources = f"  - {{id: plain, kind: sitemap, url: {site.base}/sitemaps/plain.xml.gz}}\n"
    instance = make_instance(tmp_path, sources)
    try:
        report = await poll(instance, site, 1, 0)
        assert (report.status, report.new, report.error, report.page_errors) == ("new", 2, None, ())
        articles = stored(instance)
    finally:
        instance.close()
    # undated and old URLs are left alone; the titles come from the pages
    assert "/about-us.html" not in site.requests and "/en/archive-2021.html" not in site.requests
    keepers = articles[f"{site.base}/en/lighthouse-keepers.html"]
    assert keepers.title == "Lighthouse keepers of Cape Nada mark fifty years of service"
    assert keepers.published == datetime(2026, 12, 6, 12, 5, tzinfo=UTC)
    coral = articles[f"{site.base}/akhbar/2026/12/07/coral-trade.html"]
    assert coral.published == datetime(2026, 12, 7, tzinfo=UTC) and coral.lang == "ar"
