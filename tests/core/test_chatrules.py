"""Rules made in chat merged into the rule files' (bot.core.chatrules): the id scheme, the
rule files winning over a chat entity, what is left out with a warning, and matching with
the same normalisation and letter variants as a file entity."""

from __future__ import annotations

import pytest

from bot.core.chatrules import (
    ChatEntity,
    ChatRules,
    ChatWatch,
    check_query,
    merge,
    split_words,
)
from bot.core.match import Matcher
from bot.core.query import QuerySyntaxError
from bot.core.rules import RulesError, parse_rules

FILES = parse_rules(
    [
        (
            "rules.yaml",
            """
entities:
  ostmark: {name: Ostmark, kind: place, aliases: [Ostmark, أوستمارك]}
topics:
  drills: {name: Drills, query: 'drill* OR مناورات'}
""",
        )
    ]
)
ZARIFI = ChatEntity("zarifi", "Ilyas Zarifi", ("زريفي", "Ilyas Zarifi"), "person")


def test_watches_get_chat_ids_that_no_file_id_can_take() -> None:
    chat = ChatRules(
        (ZARIFI,),
        (
            ChatWatch("telegram--100", "caspian", '"بحر قزوين" OR Caspian'),
            ChatWatch("slack-C01", "caspian", "@ostmark AND #drills"),
        ),
    )
    rules, warnings = merge(FILES, chat)
    assert warnings == []
    assert set(rules.topics) == {"drills", "chat:telegram--100:caspian", "chat:slack-C01:caspian"}
    assert rules.order[0] == "drills"  # a watch comes after the file topics it may name
    assert rules.topics["chat:telegram--100:caspian"].name == "caspian"
    assert set(rules.entities) == {"ostmark", "zarifi"}
    with pytest.raises(RulesError, match="invalid id 'chat:a:b'"):
        parse_rules([("x.yaml", "topics:\n  'chat:a:b': {name: x, query: x}\n")])


def test_the_rule_files_win_over_a_chat_entity_of_the_same_id() -> None:
    shadow = ChatEntity("ostmark", "Fake Ostmark", ("Elsewhere",))
    rules, warnings = merge(FILES, ChatRules((shadow,)))
    assert rules.entities["ostmark"] == FILES.entities["ostmark"]
    assert rules.aliases["ostmark"] == FILES.aliases["ostmark"]
    assert len(warnings) == 1 and "@ostmark" in warnings[0] and "file" in warnings[0]


def test_a_watch_that_no_longer_fits_is_left_out_with_a_warning() -> None:
    chat = ChatRules(
        (),
        (
            ChatWatch("c1", "gone", "@zarifi OR Caspian"),  # the entity was removed
            ChatWatch("c1", "broken", "(Caspian"),
            ChatWatch("c1", "ok", "Caspian"),
        ),
    )
    rules, warnings = merge(FILES, chat)
    assert set(rules.topics) == {"drills", "chat:c1:ok"}
    assert len(warnings) == 2
    assert "watch gone of channel c1" in warnings[0] and "@zarifi" in warnings[0]


def test_chat_entities_match_with_proclitics_and_letter_variants() -> None:
    chat = ChatRules((ZARIFI,), (ChatWatch("c1", "z", "@zarifi"),))
    rules, _ = merge(FILES, chat)
    result = Matcher(rules).match(
        "التقى ولزريفی بالوفد",  # و + ل before the name, a Persian ye at its end
        "Officials said Ilyas Zarifi left.",
    )
    assert result.entity_ids == {"zarifi"}
    assert result.topic_ids == {"chat:c1:z"}
    (entity,) = result.entities
    assert [e.surface for e in entity.evidence] == ["ولزريفی", "Ilyas Zarifi"]


@pytest.mark.parametrize(
    ("query", "column", "message"),
    [
        ("(Caspian Kura", 1, "unclosed parenthesis"),
        ("Caspian AND @nobody", 13, "unknown entity @nobody"),
        ("#nope", 1, "unknown topic #nope"),
        ("NOT Caspian", 1, "none of its terms"),
    ],
)
def test_check_query_refuses_with_a_column(query: str, column: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        check_query(query, FILES)
    assert message in caught.value.message
    assert caught.value.position + 1 == column


def test_split_words_reads_quotes() -> None:
    assert split_words('add x “Kestrin Dagh” k "a b"') == ["add", "x", "Kestrin Dagh", "k", "a b"]
    assert split_words('add x "open') is None
