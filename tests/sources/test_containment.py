"""Containment: one page's failure, of any kind, is that item's; never its source's.

A feed whose article pages misbehave in every way the fixture server knows (a comment after a
related-articles heading, 500, gzip bomb, redirect loop, a feed served as a page): the source
polls fine, every item is kept (on its feed text where its page failed), and each failure is
named against its item.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.models import Source
from bot.sources.collect import collect
from bot.sources.http import Fetcher
from tests.servers.misbehaving import DATA, MisbehavingServer
from tests.sources.test_collect import NOW


async def test_hostile_pages_cost_only_their_items(
    server: MisbehavingServer, fetcher: Fetcher
) -> None:
    source = Source(id="gull", url=server.url("/f/feed_hostile_pages.xml"), full_text=True)
    outcome = await collect(fetcher, source, None, None, NOW, lambda _: False)
    assert outcome.error is None
    by_guid = {i.guid: i for i in outcome.items}
    assert sorted(by_guid) == ["gull-1", "gull-3", "gull-4", "gull-5", "gull-6"]
    assert outcome.waiting is not None  # a 500 may pass: that page is tried again later
    assert [(w.item.guid, w.tries) for w in outcome.waiting] == [("gull-2", 1)]
    bridge = by_guid["gull-1"]
    assert "افتتح محافظ المدينة صباح الثلاثاء الجسر الجديد" in bridge.text
    assert "وأضاف أن أعمال الإنارة" in bridge.text
    assert "إغلاق الجسر القديم" not in bridge.text and "crane" not in bridge.text
    assert by_guid["gull-6"].text.startswith("The coastal guard took delivery")
    for guid in ("gull-3", "gull-4"):
        assert by_guid[guid].text == by_guid[guid].summary  # kept on its feed text
    failed = " | ".join(outcome.page_errors)
    for path in ("/status/500", "/bomb", "/loop/a"):
        assert server.url(path) in failed, failed
    assert "HTTP 500 (try 1 of 3)" in failed


def test_extract_a_saved_page_with_a_comment_after_a_related_heading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text("database: nw.db\n", encoding="utf-8")
    page = str(DATA / "page_related_comment.html")
    assert main(["extract", page, "--json", "--config", str(config)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["title"] == "افتتاح جسر المرفأ الجديد"
    assert "يربط المرفأ الشرقي بسوق السمك" in result["text"]
    assert "ارتفاع أسعار السمك" not in result["text"]
