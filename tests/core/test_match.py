"""Table-driven matcher cases from tests/data/match_cases/*.yaml, plus properties."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.match import Matcher
from bot.core.query import QuerySyntaxError
from bot.core.rules import parse_rules
from bot.models import Match, MatchResult

CASES = Path(__file__).parent.parent / "data" / "match_cases"


def _load() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rules_text = yaml.safe_dump(data["rules"], allow_unicode=True)
        for case in data["cases"]:
            params.append(pytest.param(rules_text, case, id=f"{path.stem}: {case['name']}"))
    return params


_MATCHERS: dict[str, Matcher] = {}


def matcher_for(rules_text: str) -> Matcher:
    if rules_text not in _MATCHERS:
        _MATCHERS[rules_text] = Matcher(parse_rules([("case.yaml", rules_text)]))
    return _MATCHERS[rules_text]


def surfaces(matches: tuple[Match, ...], title: str, text: str) -> dict[str, list[str]]:
    out = {}
    for m in matches:
        for e in m.evidence:
            field = title if e.field == "title" else text
            assert field[e.start : e.end] == e.surface, (m.id, e)
        out[m.id] = [e.surface for e in m.evidence]
    return out


@pytest.mark.parametrize(("rules_text", "case"), _load())
def test_match_case(rules_text: str, case: dict[str, Any]) -> None:
    title, text = case.get("title", ""), case["text"]
    result = matcher_for(rules_text).match(title, text)
    got_entities = surfaces(result.entities, title, text)
    got_topics = surfaces(result.topics, title, text)
    assert got_entities == case.get("entities", {})
    assert got_topics == case.get("topics", {})
    for rid in case.get("absent", []):
        assert rid not in got_entities and rid not in got_topics


RULES = """
entities:
  iran: {name: Iran, aliases: [إيران, إيراني*, Iran]}
  russia: {name: Russia, aliases: [روسيا, Russia]}
topics:
  ties: {name: Ties, query: '@iran AND @russia AND (دفاع* OR defen*)'}
  talks: {name: Talks, query: 'talks OR محادثات'}
"""


def test_no_hit_gives_an_empty_result() -> None:
    assert Matcher(parse_rules([("r.yaml", RULES)])).match("", "nothing here") == MatchResult()


def test_ad_hoc_query_with_entities_and_terms() -> None:
    m = Matcher(parse_rules([("r.yaml", RULES)]))
    hit = m.match_query("@iran وزير*", "", "قال وزير الخارجية الإيراني")
    assert hit is not None
    assert [e.surface for e in hit.evidence] == ["وزير", "الإيراني"]
    assert m.match_query("@russia", "", "قال وزير الخارجية الإيراني") is None


@pytest.mark.parametrize("query", ["@nobody", "a AND", "NOT x", '"open', "(a"])
def test_ad_hoc_query_errors(query: str) -> None:
    m = Matcher(parse_rules([("r.yaml", RULES)]))
    with pytest.raises(QuerySyntaxError):
        m.match_query(query, "", "text")


def test_memo_gives_the_same_answers_on_repeat() -> None:
    m = Matcher(parse_rules([("r.yaml", RULES)]))
    text = "Iran and Russia held defence talks. وعقدت إيران وروسيا محادثات دفاعية."
    first = m.match("t", text)
    assert first == m.match("t", text)
    assert first.entity_ids == {"iran", "russia"}
    assert first.topic_ids == {"ties", "talks"}


_MATCHER = Matcher(parse_rules([("r.yaml", RULES)]))
_ALPHABET = st.sampled_from([*"ايرانروسيدفعإأآةىیکـًٌ ،.-\u200c\n", "Iran", " Russia", "defence"])


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_matcher_never_raises_and_spans_point_inside(title: str, text: str) -> None:
    result = _MATCHER.match(title, text)
    surfaces(result.entities + result.topics, title, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_spans_inside_on_arabic_like_text(text: str) -> None:
    result = _MATCHER.match("", text)
    surfaces(result.entities + result.topics, "", text)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_ad_hoc_queries_raise_only_syntax_errors(query: str, text: str) -> None:
    with contextlib.suppress(QuerySyntaxError):
        _MATCHER.match_query(query, "", text)


def test_answers_survive_the_memo_being_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.core import lexicon

    monkeypatch.setattr(lexicon, "MEMO_TOKENS", 5)
    m = Matcher(parse_rules([("r.yaml", RULES)]))
    text = "Iran and Russia held defence talks. وعقدت إيران وروسيا محادثات دفاعية."
    results = [m.match("t", text), m.match("", "other words here " * 3), m.match("t", text)]
    assert results[0] == results[2]
    assert results[0].entity_ids == {"iran", "russia"}
    assert len(m.lexicon._seen) <= 5 + 20
