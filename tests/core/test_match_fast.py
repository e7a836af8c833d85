"""The matcher's fast paths give the answers of the straightforward ones.

The token memo (a set of tokens seen and a dict of those that matched) must answer as a fresh
`lookup` does, however often it is emptied; queries compiled to term ids must evaluate as the
query tree does when each term is looked up by its Term; the fold's astral-character check must
not change the fold.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import lexicon
from bot.core.lexicon import Occurrence
from bot.core.match import Matcher, _Context
from bot.core.normalize import fold_char, words
from bot.core.query import And, Near, Node, Not, Or, Ref, Term
from bot.core.rules import parse_rules

# invented words: Arabic-script with proclitics and g-letter variants, Latin, Cyrillic
VOCAB = [
    "قمر",
    "والقمر",
    "بالقمر",
    "نجوم",
    "للنجوم",
    "غابرو",
    "جابرو",
    "قابرو",
    "ژاله",
    "زاله",
    "جاله",
    "سفينه",
    "وسفينتان",
    "kelvar",
    "kelvarite",
    "kelvarites",
    "ostrand",
    "mirrow",
    "mirrows",
    "тарвик",
    "тарвика",
    "lumen",
    "dorr",
    "and",
    "the",
]

RULES = """
entities:
  moon:
    name: Moon
    aliases: [قمر, kelvar, "mirrow dorr"]
    exclude: ["kelvar ostrand"]
  gabro:
    name: Gabro
    aliases: [غابرو, ژاله]
  ship:
    name: Ship
    aliases: [سفينه, тарвик]
topics:
  sky:
    name: Sky
    query: 'نجوم* OR (kelvar* AND NOT lumen) OR "mirrow dorr"'
  near:
    name: Near
    query: "قمر NEAR/3 نجوم OR тарвик* NEAR/2 kelvar"
  refs:
    name: Refs
    query: "@moon AND (@ship OR #sky)"
  negated:
    name: Negated
    query: "lumen AND NOT (@gabro OR dorr)"
"""

_MATCHER = Matcher(parse_rules([("fast.yaml", RULES)]))
_TEXT = st.lists(st.sampled_from([*VOCAB, ".", "،", "\n"]), max_size=40).map(" ".join)


def _reference(ctx: _Context, node: Node) -> tuple[bool, list[tuple[Occurrence, str]]]:
    """The query tree evaluated term by term, as the matcher did before compiling."""
    lex, found = _MATCHER.lexicon, ctx.found
    if isinstance(node, Term):
        occs = found.get(lex.term_id(node, False), [])
        return bool(occs), [(o, node.text) for o in occs]
    if isinstance(node, Ref):
        table = ctx.entity_occ if node.kind == "entity" else ctx.topic_occ
        occ = table.get(node.id)
        return occ is not None, list(occ or [])
    if isinstance(node, Not):
        return not _reference(ctx, node.child)[0], []
    if isinstance(node, And):
        out: list[tuple[Occurrence, str]] = []
        for child in node.children:
            ok, occ = _reference(ctx, child)
            if not ok:
                return False, []
            out.extend(occ)
        return True, out
    if isinstance(node, Or):
        results = [_reference(ctx, c) for c in node.children]
        return any(ok for ok, _ in results), [o for ok, occ in results if ok for o in occ]
    assert isinstance(node, Near)
    left = found.get(lex.term_id(node.left, False), [])
    right = found.get(lex.term_id(node.right, False), [])
    split = ctx.art.title_tokens
    pairs = [
        ((a, node.left.text), (b, node.right.text))
        for a in left
        for b in right
        if max(b[0] - a[1], a[0] - b[1]) <= node.distance and (a[0] < split) == (b[0] < split)
    ]
    return bool(pairs), [o for pair in pairs for o in pair]


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT)
def test_compiled_queries_evaluate_as_the_query_tree(title: str, text: str) -> None:
    result = _MATCHER.match(title, text)
    _, _, ctx = _MATCHER._match(*_MATCHER._scan(title, text))
    for tid in _MATCHER.rules.order:
        compiled = ctx.evaluate(_MATCHER._compiled[tid])
        assert compiled == _reference(ctx, _MATCHER.rules.queries[tid]), tid
        assert compiled[0] == (tid in {m.id for m in result.topics})


def test_compiled_queries_are_exercised() -> None:
    """The random texts above reach every topic, so the comparison is not vacuous."""
    hit = _MATCHER.match("kelvarite mirrow dorr", "قمر والنجوم тарвика kelvar")
    assert {m.id for m in hit.topics} == {"sky", "near", "refs"}
    assert {m.id for m in _MATCHER.match("", "lumen ostrand").topics} == {"negated"}


@pytest.mark.parametrize("memo_size", [3, 50, 200_000])
def test_memo_answers_as_a_fresh_lookup(monkeypatch: pytest.MonkeyPatch, memo_size: int) -> None:
    monkeypatch.setattr(lexicon, "MEMO_TOKENS", memo_size)
    lex = Matcher(parse_rules([("fast.yaml", RULES)])).lexicon
    rng = random.Random(memo_size)
    pool = [w for w in words(" ".join(VOCAB)) if w] + ["x", "ab", "بالبال"]
    for _ in range(200):
        tokens = rng.choices(pool, k=rng.randint(0, 30))
        fresh = lex.lookup(list(set(tokens)))
        expected = [fresh[t] or None for t in tokens]
        assert lex._word_hits(tokens) == expected
        assert len(lex._seen) <= memo_size + 30  # bounded: emptied when it would overflow
    assert lex._hits, "some tokens matched"


@pytest.mark.parametrize(
    "text",
    [
        "𝐀𝐁𝐂 قمر 𝟙𝟚",  # astral letters and digits that fold
        "قمر 😀 kelvar",  # an astral symbol that separates
        "plain ascii",
        "عربي فقط",
        "\ud800 lone surrogate قمر",
    ],
)
def test_astral_check_keeps_the_fold(text: str) -> None:
    reference = "".join(fold_char(c) for c in text).replace("\x00", "")
    assert [w for w in words(text) if w] == reference.split()
