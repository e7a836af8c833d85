"""core.outlets: one outlet per source or canonical link, naming every source that had it."""

from __future__ import annotations

from bot.core.outlets import outlets_of
from bot.models import Outlet


def test_one_link_from_two_sources_is_one_outlet_naming_both() -> None:
    assert outlets_of(
        [
            ("ledger", "Harbour Ledger", "https://ledger.example/a/1?utm_source=rss"),
            ("ledger-world", "Harbour Ledger World", "https://ledger.example/a/1"),
            ("gull", "Gull Courier", "https://gull.example/news/9"),
        ]
    ) == (
        Outlet("Harbour Ledger, Harbour Ledger World", "https://ledger.example/a/1?utm_source=rss"),
        Outlet("Gull Courier", "https://gull.example/news/9"),
    )


def test_one_source_with_two_articles_stays_one_outlet() -> None:
    assert outlets_of(
        [
            ("gull", "", "https://gull.example/news/9"),
            ("tern", "Tern Gazette", "https://tern.example/1"),
            ("gull", "", "https://gull.example/news/10"),
        ]
    ) == (
        Outlet("gull", "https://gull.example/news/9"),
        Outlet("Tern Gazette", "https://tern.example/1"),
    )


def test_a_link_joining_two_groups_merges_them_under_the_earliest() -> None:
    got = outlets_of(
        [
            ("a", "A", "https://a.example/1"),
            ("b", "B", "https://b.example/1"),
            ("b", "B", "https://a.example/1#comments"),
        ]
    )
    assert got == (Outlet("A, B", "https://a.example/1"),)
    assert outlets_of([]) == ()
