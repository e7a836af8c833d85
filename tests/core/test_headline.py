"""The representative title of a story."""

from __future__ import annotations

from bot.core.headline import representative


def test_the_headline_sharing_most_words_with_the_others_wins() -> None:
    titles = [
        "Breaking: watch live",
        "Defence minister Haddad arrives in Ostrel for talks",
        "Haddad arrives in Ostrel",
        "Minister Haddad in Ostrel for defence talks",
    ]
    assert representative(titles) == "Defence minister Haddad arrives in Ostrel for talks"


def test_empty_titles_are_skipped_and_ties_go_to_the_earliest() -> None:
    assert representative(["", "  "]) == ""
    assert representative(["", "Haddad lands", "Aoun lands"]) == "Haddad lands"
