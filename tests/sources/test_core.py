"""Pure parts of fetching: URL canonicalisation, identity, dates, backoff (tables as data)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.backoff import BackoffPolicy
from bot.core.dates import is_suspect, parse_text_date
from bot.core.identity import item_key
from bot.core.urls import canonical_url, resolve_canonical
from bot.models import RawItem
from tests.servers.misbehaving import DATA

URLS = json.loads((DATA / "urls.json").read_text(encoding="utf-8"))
DATES = json.loads((DATA / "dates.json").read_text(encoding="utf-8"))
NOW = datetime(2024, 9, 12, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("raw", "expected"), URLS)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected
    assert canonical_url(expected) == expected  # idempotent


@given(st.text(max_size=60))
def test_canonical_url_never_raises(s: str) -> None:
    canonical_url("https://a.example/" + s)
    canonical_url(s)


def test_rel_canonical_only_on_the_same_site() -> None:
    page = "https://www.sada.example/news/1?utm_source=x"
    assert resolve_canonical(page, "/news/1/") == "https://www.sada.example/news/1"
    assert resolve_canonical(page, "https://amp.sada.example/n/1") == "https://sada.example/n/1"
    assert (
        resolve_canonical(page, "https://other.example/stolen") == "https://www.sada.example/news/1"
    )


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_text_dates(text: str, expected: str | None) -> None:
    got = parse_text_date(text)
    assert (got.isoformat() if got else None) == expected


def test_suspect_dates() -> None:
    assert is_suspect(datetime(2023, 1, 1, tzinfo=UTC))
    assert not is_suspect(datetime(2023, 1, 1, 9, 30, tzinfo=UTC))
    assert not is_suspect(datetime(2023, 1, 2, tzinfo=UTC)) and not is_suspect(None)


def test_identity_fallback_chain() -> None:
    a = RawItem("s", "Title", url="https://x.example/a?utm_source=rss", guid="g1")
    assert item_key(a) == item_key(RawItem("s", "Other", url="https://x.example/a", guid="g1"))
    assert item_key(a) != item_key(RawItem("t", "Title", url=a.url, guid="g1"))  # GUID per source
    assert item_key(a) != item_key(RawItem("s", "Title", url="https://x.example/b", guid="g1"))
    by_url = RawItem("s", "T", url="https://X.example/a/#frag")
    assert item_key(by_url) == "u:https://x.example/a"
    assert item_key(by_url) == item_key(RawItem("other", "T2", url="https://x.example/a"))
    h1, h2 = RawItem("s", "T", text="one  text"), RawItem("s", "T", text="one text")
    assert item_key(h1) == item_key(h2) and item_key(h1).startswith("h:")
    assert item_key(h1) != item_key(RawItem("s", "T", text="another text"))


def test_backoff_policy() -> None:
    p = BackoffPolicy(max_backoff=3600, failing_after=3)
    assert p.after_success(NOW, 900) == NOW + timedelta(seconds=900)
    assert p.after_success(NOW, 900, floor=1800) == NOW + timedelta(seconds=1800)
    assert p.after_success(NOW, 900, floor=10**9) == NOW + timedelta(days=1)
    waits = [(p.after_error(NOW, 600, n) - NOW).total_seconds() for n in range(1, 6)]
    assert waits == [600, 1200, 2400, 3600, 3600]
    assert p.after_error(NOW, 600, 1, retry_after=3000) == NOW + timedelta(seconds=3000)
    assert p.after_error(NOW, 600, 1, retry_after=10**6) == NOW + timedelta(seconds=3600)
    assert p.after_error(NOW, 7200, 1) == NOW + timedelta(seconds=7200)  # never before interval
    assert [p.is_failing(n) for n in (0, 2, 3, 9)] == [False, False, True, True]
