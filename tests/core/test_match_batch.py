"""The chunk path's batch lookup (`Lexicon._batch_hits`: one joined string, one set probe per
candidate) answers as the token path's `_hits_of` does, word for word.

Rule words and text words are invented, in Arabic, Persian, English and Russian: aliases
with g-letters (ج غ ق گ چ, پ/ب, ڤ/ف, ژ), Persian letters in Arabic words (ی ک), aliases that
themselves begin with a proclitic letter, ژ in the text for ز in an alias, three-letter
words, exact topic terms with g-letters (no variants for those), prefixes in every script,
phrases. Text words glue one or two proclitics onto them, change their g-letters and
endings, or are unrelated.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.match import Matcher
from bot.core.normalize import fold_chunks
from bot.core.rules import parse_rules
from bot.models import MatchResult

RULES = """
entities:
  qadir:
    name: Qadir
    aliases: [قادیرو, "غولان بارسي", ژوبين, پاروند, زيران]
  lamir:
    name: Lamir
    aliases: [لامیر, بوراك, فلكار, والتين, كمران]
  tam:
    name: Tam
    aliases: [تيم, سور, Veltrane, "Ostra Kim"]
  dask:
    name: Dask
    aliases: [Дасков, "Мирон Тал", چکاوه, ڤيرا, غارنيس*, ژالک*, "دورين ڤالم*"]
topics:
  coast:
    name: Coast
    query: 'قرنيل OR ساحلي* OR بحر* OR quorvan* OR скальд* OR "نهر كبير"'
  mesa:
    name: Mesa
    query: "گلزار* OR لبن OR ال OR kelt* OR ost*"
"""

_MATCHER = Matcher(parse_rules([("batch.yaml", RULES)]))
LEXICON = _MATCHER.lexicon

STEMS = [
    "قادیرو",
    "قاديرو",
    "غاديرو",
    "جاديرو",
    "گادیرو",
    "غولان",
    "قولان",
    "بارسي",
    "بارسی",
    "ژوبين",
    "زوبين",
    "جوبين",
    "پاروند",
    "ژيران",
    "زيران",
    "جيران",
    "باروند",
    "لامیر",
    "لامير",
    "امير",
    "مير",
    "بوراك",
    "بوراک",
    "راك",
    "فلكار",
    "لكار",
    "والتين",
    "التين",
    "تين",
    "كمران",
    "مران",
    "تيم",
    "سور",
    "قرنيل",
    "غرنيل",
    "ساحلي",
    "ساحليه",
    "ساحل",
    "بحر",
    "بحري",
    "بحيره",
    "نهر",
    "كبير",
    "گلزار",
    "گلزاری",
    "كلزار",
    "لبن",
    "بن",
    "ال",
    "چکاوه",
    "چكاوه",
    "جكاوه",
    "ڤيرا",
    "فيرا",
    "غارنيس",
    "قارنيسي",
    "جارنيسيه",
    "گارنیسی",
    "غارني",
    "ژالكه",
    "زالكي",
    "جالك",
    "دورين",
    "فالمي",
    "ڤالمه",
    "veltrane",
    "Veltrane",
    "VELTRANES",
    "ostra",
    "ost",
    "kim",
    "kelt",
    "kelts",
    "kel",
    "quorvan",
    "quorvanite",
    "Дасков",
    "даскова",
    "мирон",
    "тал",
    "скальд",
    "скальды",
    "скаль",
]
CLITICS = ["", "", "و", "ف", "ب", "ك", "ل", "ال", "لل", "وال", "بال", "فال", "كال", "ولل", "وب"]
CLITICS += ["فل", "وك", "لال", "فبال", "والل"]
ENDINGS = ["", "", "", "ه", "ات", "ی", "ين"]

_WORD = st.builds(
    lambda c, s, e: c + s + e,
    st.sampled_from(CLITICS),
    st.sampled_from(STEMS),
    st.sampled_from(ENDINGS),
)


def _tokens(words: list[str]) -> list[str]:
    folded = fold_chunks(words)
    return [f.replace("\x00", "") for f in folded if f is not None]


@settings(max_examples=400, deadline=None)
@given(st.lists(_WORD, min_size=1, max_size=60))
def test_batch_lookup_answers_as_the_token_lookup(words: list[str]) -> None:
    tokens = _tokens(words)
    reference = LEXICON._hits_of(list(set(tokens)))
    found = LEXICON._batch_hits(" ".join(tokens))
    assert set(found) <= set(range(len(tokens)))
    for i, token in enumerate(tokens):
        assert tuple(sorted(found.get(i, ()))) == reference.get(token, ()), token


def test_the_words_above_reach_every_kind_of_hit() -> None:
    """Clitics, variants, Persian letters, exact-only terms and prefixes all match, so the
    comparison above is not vacuous; an exact topic term takes no g-letter variant."""
    words = ["وبالقرنيل", "غرنيل", "لچكاوه", "وگادیرو", "وزوبين", "فالبحريه", "скальды", "بژيران"]
    words += ["والقارنيسية", "بزالكي", "كلزار", "جارني"]  # alias prefixes take variants
    tokens = _tokens(words)
    found = LEXICON._batch_hits(" ".join(tokens))
    reference = LEXICON._hits_of(tokens)
    # غرنيل is no variant of the topic term قرنيل, nor كلزار of the topic prefix گلزار*;
    # جارني is shorter than the alias prefix غارنيس*
    assert set(found) == {0, 2, 3, 4, 5, 6, 7, 8, 9}
    assert all(tuple(sorted(found[i])) == reference[tokens[i]] for i in found)


_TEXT = st.lists(
    st.one_of(_WORD, st.sampled_from([" ", ". ", "، ", "«", "» ", "\n", " (", ") "])), max_size=50
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT, st.booleans())
def test_articles_in_four_languages_match_as_on_the_token_path(
    title: str, text: str, forget: bool
) -> None:
    if forget:
        _MATCHER.lexicon.forget()
    entities, topics, _ = _MATCHER._match(*_MATCHER._scan_tokens(title, text))
    assert _MATCHER.match(title, text) == MatchResult(tuple(entities), tuple(topics))
