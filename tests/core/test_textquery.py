"""Topic query → text-index query: a superset built from normalised tokens only."""

from __future__ import annotations

from bot.core.commands.textquery import text_query
from bot.core.query import parse_query
from bot.core.rules import parse_rules
from bot.models import TextAll, TextAny, TextTerm

RULES = parse_rules(
    [
        (
            "r.yaml",
            """
entities:
  ostmark: {name: Ostmark, kind: place, aliases: [Ostmark, "Ost Mark"]}
topics:
  drills: {name: Drills, query: 'drill* OR exercise'}
""",
        )
    ]
)


def q(text: str) -> object:
    return text_query(parse_query(text), RULES)


def test_words_phrases_and_near_become_and_of_tokens() -> None:
    assert q("envoy") == TextTerm("envoy")
    assert q("dril*") == TextTerm("dril", prefix=True)
    assert q('"naval drills"') == TextAll((TextTerm("naval"), TextTerm("drills")))
    assert q("vell NEAR/2 bridge") == TextAll((TextTerm("vell"), TextTerm("bridge")))


def test_not_is_dropped_and_an_or_with_a_free_side_filters_nothing() -> None:
    assert q("envoy NOT drills") == TextTerm("envoy")
    assert q("NOT drills") is None
    assert q("envoy OR NOT drills") is None


def test_refs_follow_the_rules() -> None:
    assert q("#drills") == TextAny((TextTerm("drill", prefix=True), TextTerm("exercise")))
    assert q("@ostmark") == TextAny(
        (TextTerm("ostmark"), TextAll((TextTerm("ost"), TextTerm("mark"))))
    )


def test_arabic_words_also_find_their_proclitic_forms() -> None:
    found = q("مناورات")
    assert isinstance(found, TextAny)
    forms = {t.token for t in found.parts if isinstance(t, TextTerm)}
    assert {"مناورات", "والمناورات", "بمناورات", "للمناورات"} <= forms
    assert len(forms) == len(found.parts)
