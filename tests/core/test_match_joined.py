"""Arabic-script names of two or three words are also written as one word (أبو سعادة /
أبوسعادة, عبد الله / عبدالله, سلطان زاده / سلطانزاده): an alias meets both."""

from __future__ import annotations

from bot.core.match import Matcher
from bot.core.rules import parse_rules

RULES = """
entities:
  soltanzadeh: {name: Soltanzadeh, aliases: [سلطان زاده, Soltan Zadeh]}
  abdullah: {name: Abdullah, aliases: [عبد الله, عبدالله]}
  abusaada: {name: Abu Saada, aliases: [أبو سعادة]}
"""


def _found(title: str, text: str) -> dict[str, list[str]]:
    result = Matcher(parse_rules([("rules.yaml", RULES)])).match(title, text)
    return {m.id: [e.surface for e in m.evidence] for m in result.entities}


def test_a_name_of_several_words_is_found_written_as_one() -> None:
    got = _found("وصل سلطانزاده إلى ميرافيل", "والتقى أبوسعادة لاحقا بالوزير، ثم غادر لسلطانزاده")
    assert got["soltanzadeh"] == ["سلطانزاده", "لسلطانزاده"]
    assert got["abusaada"] == ["أبوسعادة"]
    # and still as written in the rule, with a Persian non-joiner too
    got = _found("سلطان زاده در میراول", "کامران سلطان\u200cزاده و ابو سعاده دیدار کردند")
    assert got["soltanzadeh"] == ["سلطان زاده", "سلطان\u200cزاده"]
    assert got["abusaada"] == ["ابو سعاده"]


def test_the_evidence_names_the_alias_and_one_written_form_counts_once() -> None:
    result = Matcher(parse_rules([("rules.yaml", RULES)])).match("عبدالله", "قال عبد الله")
    (abdullah,) = result.entities
    assert [(e.surface, e.term) for e in abdullah.evidence] == [
        ("عبدالله", "عبدالله"),
        ("عبد الله", "عبد الله"),
    ]
    joined = Matcher(parse_rules([("rules.yaml", RULES)])).match("سلطانزاده", "")
    assert [e.term for e in joined.entities[0].evidence] == ["سلطان زاده"]


def test_latin_names_are_not_joined() -> None:
    assert "soltanzadeh" not in _found("Soltanzadeh arrives", "")
    assert _found("Soltan Zadeh arrives", "")["soltanzadeh"] == ["Soltan Zadeh"]
