"""`newswatch demo` end to end: the digests it prints match the bundled manifest."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.store import open_store

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = yaml.safe_load((ROOT / "bot/demo/stories.yaml").read_text(encoding="utf-8"))


def test_demo_prints_multi_outlet_digests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "demo.db"
    assert main(["demo", "--db", str(db), "--rules-home", str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert "===== digest for channel 'analysts'" in out
    assert "===== digest for channel 'sanctions-desk'" in out
    store = open_store(db)
    story_of: dict[str, set[int]] = {}
    stored = store.search_articles(None, datetime(2000, 1, 1, tzinfo=UTC), 10_000, 0)
    for item in MANIFEST["items"]:
        found = [a.id for a in stored if a.url.endswith(item["link"]) and a.id is not None]
        assert len(found) == 1, f"{item['link']} was not stored"
        story_of.setdefault(item["story"], set()).add(store.story_of(found[0]) or 0)
    # Grouping: each manifest story is exactly one stored story, and no two share one.
    assert all(len(ids) == 1 for ids in story_of.values()), story_of
    ids = [next(iter(v)) for v in story_of.values()]
    assert len(set(ids)) == len(ids)
    for channel, expected in MANIFEST["expected_digests"].items():
        delivered = store.delivered_outlets(channel)
        for want in expected:
            story_id = next(iter(story_of[want["story"]]))
            assert delivered.get(story_id) == want["outlets"], (channel, want)
    main_story = store.story(next(iter(story_of["nasirzadeh-moscow"])))
    assert main_story is not None and len(main_story.outlets) == 5
    for outlet in main_story.outlets:
        assert outlet.url in out
    store.close()


def test_demo_without_rules_says_where_it_looked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--rules-home", str(tmp_path)]) == 2
    assert "no rule files found" in capsys.readouterr().err


NOT_ARTICLE = ("جافاسكريبت", "JavaScript", "فيسبوك", "واتساب", "الرئيسية", "محلیات", "طقس")


def test_demo_digests_and_texts_carry_no_notice_share_or_menu(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo pages open with script notices and menus and close with share bars: none
    of it reaches a digest or an article's stored text."""
    db = tmp_path / "demo.db"
    assert main(["demo", "--db", str(db), "--rules-home", str(ROOT)]) == 0
    out = capsys.readouterr().out
    store = open_store(db)
    texts = [a.text for a in store.articles(range(1, store.article_count() + 1))]
    store.close()
    assert len(texts) >= 15
    for piece in NOT_ARTICLE:
        assert piece not in out, piece
        assert not [t for t in texts if piece in t], piece


def test_the_english_channel_reads_the_english_outlets_headline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Moscow visit story was first reported in Arabic; The Meridian Ledger wrote it in
    English, so the English channel gets that headline and lead; the Arabic channel keeps
    Arabic headlines."""
    assert main(["demo", "--db", str(tmp_path / "d.db"), "--rules-home", str(ROOT)]) == 0
    out = capsys.readouterr().out
    english, arabic = out.split("===== digest for channel 'sanctions-desk'")
    assert "1. Iran's defence chief lands in Moscow" in english
    assert "نصير زاده في موسكو" not in english
    assert "1. الاتحاد الأوروبي يفرض حزمة عقوبات" in arabic
