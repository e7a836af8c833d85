"""Rule loading: a valid set, and every kind of error reported at once with its position."""

from __future__ import annotations

import pytest

from bot.core.rules import RulesError, parse_rules

GOOD = """
entities:
  iran:
    name: Iran
    kind: place
    aliases: [إيران, Iran]
  bagheri:
    name: Mohammad Bagheri
    kind: person
    aliases: [باقري]
    exclude: [علي باقري]
    description: chief of staff
topics:
  base:
    name: Base
    query: 'defen* OR دفاع*'
  ties:
    name: Ties
    priority: high
    query: '@iran AND #base'
"""


def test_a_valid_rule_set() -> None:
    rules = parse_rules([("good.yaml", GOOD)])
    assert set(rules.entities) == {"iran", "bagheri"}
    assert rules.entities["iran"].kind == "place"
    assert rules.entities["bagheri"].exclude == ("علي باقري",)
    assert rules.topics["ties"].priority == "high"
    assert rules.order.index("base") < rules.order.index("ties")


def test_empty_files_are_an_empty_rule_set() -> None:
    rules = parse_rules([("a.yaml", ""), ("b.yaml", "entities: {}\n")])
    assert not rules.entities and not rules.topics


BAD = [
    ("extra: 1\n", "bad.yaml:1:1: unknown key 'extra'"),
    ("entities: [a]\n", "bad.yaml:1:1: entities must be a mapping"),
    ("entities:\n  Bad Id: {name: x, aliases: [a]}\n", "bad.yaml:2:3: invalid id 'Bad Id'"),
    ("entities:\n  x: {name: x, aliases: []}\n", "bad.yaml:2:3: x: `aliases` must list"),
    ("entities:\n  x: {name: x}\n", "bad.yaml:2:3: x: `aliases` must list"),
    ("entities:\n  x: {aliases: [a]}\n", "bad.yaml:2:3: x: `name` is required"),
    ("entities:\n  x: {name: x, aliases: [a], kind: city}\n", "bad.yaml:2:30: kind must be one of"),
    (
        "entities:\n  x: {name: x, aliases: [a], colour: red}\n",
        "bad.yaml:2:30: unknown key 'colour'",
    ),
    (
        "entities:\n  x:\n    name: x\n    aliases: [a, '،']\n",
        "bad.yaml:4:18: '،': a term needs letters",
    ),
    ("entities:\n  x:\n    name: x\n    aliases: [ab*]\n", "bad.yaml:4:15: 'ab*': a prefix needs"),
    ("topics:\n  t: {name: t}\n", "bad.yaml:2:3: t: `query` is required"),
    ("topics:\n  t: {name: t, query: 'a', priority: urgent}\n", "priority must be high or normal"),
    (
        "topics:\n  t:\n    name: t\n    query: 'a AND'\n",
        "bad.yaml:4:5: t: query syntax: the query ends",
    ),
    ("topics:\n  t: {name: t, query: '@nobody'}\n", "t: undefined entity @nobody (column 1)"),
    ("topics:\n  t: {name: t, query: 'x #nothing'}\n", "t: undefined topic #nothing (column 3)"),
    ("topics:\n  t: {name: t, query: 'NOT x'}\n", "matches an article with none of its terms"),
    ("topics:\n  t: {name: t, query: 'x', query: 'y'}\n", "duplicate key 'query'"),
    ("entities: [\n", "bad.yaml:2:1: YAML syntax"),
]


@pytest.mark.parametrize(("text", "expected"), BAD)
def test_errors(text: str, expected: str) -> None:
    with pytest.raises(RulesError) as info:
        parse_rules([("bad.yaml", text)])
    assert any(expected in str(p) for p in info.value.problems), info.value.problems


def test_query_errors_carry_a_caret() -> None:
    with pytest.raises(RulesError) as info:
        parse_rules([("q.yaml", "topics:\n  t: {name: t, query: 'a OR (b'}\n")])
    (problem,) = info.value.problems
    assert problem.detail == "a OR (b\n     ^"


def test_every_error_of_every_file_at_once() -> None:
    a = "entities:\n  x: {name: x, aliases: []}\n  y: {aliases: [b]}\n"
    b = "entities:\n  x: {name: X, aliases: [c]}\ntopics:\n  t: {name: t, query: '#u'}\n"
    c = "topics:\n  u: {name: u, query: 'a #v'}\n  v: {name: v, query: 'b #u'}\n"
    with pytest.raises(RulesError) as info:
        parse_rules([("a.yaml", a), ("b.yaml", b), ("c.yaml", c), ("d.yaml", "x: [")])
    text = str(info.value)
    assert "a.yaml:2:3: x: `aliases`" in text
    assert "a.yaml:3:3: y: `name` is required" in text
    assert "b.yaml:2:3: duplicate entity id 'x' (first in a.yaml:2)" in text
    assert "t: undefined topic #u" not in text  # u exists, in c.yaml
    assert "c.yaml:2:16: u: topics refer to each other in a cycle: #u → #v → #u" in text
    assert "c.yaml:3:16: v: topics refer to each other in a cycle" in text
    assert "d.yaml:1:5: YAML syntax" in text
    files = [p.file for p in info.value.problems]
    assert files == sorted(files)


def test_entity_and_topic_ids_are_separate_namespaces() -> None:
    text = (
        "entities:\n  drones: {name: D, aliases: [drone]}\n"
        "topics:\n  drones: {name: D, query: '@drones'}\n"
    )
    rules = parse_rules([("n.yaml", text)])
    assert "drones" in rules.entities and "drones" in rules.topics


def test_every_rule_key_is_documented() -> None:
    from pathlib import Path

    from bot.core.rules import ENTITY_KEYS, TOP_KEYS, TOPIC_KEYS

    doc = (Path(__file__).parent.parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    for key in (*TOP_KEYS, *ENTITY_KEYS, *TOPIC_KEYS):
        assert f"`{key}`" in doc, key


def test_names_per_language_with_the_first_given_as_fallback() -> None:
    text = (
        "topics:\n"
        "  sanctions:\n"
        "    name: {en: Sanctions, ar: عقوبات, fa: تحریم‌ها, ru: Санкции}\n"
        "    query: sanction*\n"
        "entities:\n"
        "  haddad: {name: {ar: حداد, en: Omar Haddad}, aliases: [Haddad]}\n"
        "  plain: {name: Plain, aliases: [plain]}\n"
    )
    rules = parse_rules([("n.yaml", text)])
    topic = rules.topics["sanctions"]
    assert topic.name == "Sanctions"
    assert [topic.name_in(x) for x in ("en", "ar", "fa", "ru")] == [
        "Sanctions",
        "عقوبات",
        "تحریم‌ها",
        "Санкции",
    ]
    haddad = rules.entities["haddad"]
    assert (haddad.name, haddad.name_in("en"), haddad.name_in("fa")) == (
        "حداد",
        "Omar Haddad",
        "حداد",
    )
    assert rules.entities["plain"].name_in("ar") == "Plain"


def test_bad_names_per_language_are_refused_with_their_position() -> None:
    text = "topics:\n  t:\n    name: {English: T, ar: ''}\n    query: t\n"
    with pytest.raises(RulesError) as info:
        parse_rules([("n.yaml", text)])
    message = str(info.value)
    assert "n.yaml:3:12: 'English': a language code such as en, ar, fa, ru" in message
    assert "n.yaml:3:" in message and "name.ar must be text" in message
