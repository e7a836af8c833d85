"""Event signatures: what happened, read off an article's words, and how two of them agree.

A story is one real-world event, so two articles belong together when they report the same
kind of action by the same actors (or at the same place), close in time, not when they merely
share a name. The part of that which the text alone gives is computed here:

- kinds: the action families (bot.core.eventwords) named anywhere in the article, and those
  named in its lead (the title and the first sentence), which say what the article is about;
- numbers: the figures in the text (magnitude 6.2, 110 km/h, 2,500 rupees, "seven villages"),
  which survive translation when nothing else does. Years and the day of a date are left out
  (every article of a day shares them); a figure of 32 or more, or with a decimal part, is
  "strong", a small one (2-31, or a number word) counts half.

Actors, places and time come from the matcher and the article's date; bot.core.stories puts
them together with these (see docs/stories.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache, reduce
from itertools import compress
from operator import itemgetter, or_
from zlib import crc32

from bot.core.eventwords import (
    ALIKE,
    DAYS,
    DIRECTIONS,
    FAMILIES,
    FOLLOW_UPS,
    MONTHS,
    NIGHT_BEFORE,
    NUMBER_WORDS,
    ORDINALS,
    PAST_DAY,
    PERSIAN_DAYS,
    ROUND_NOUNS,
    SCALES,
    TEEN_TENS,
    TEEN_UNITS,
    TITLE_ONLY,
    WEAK,
)
from bot.core.normalize import normalize, split_words
from bot.models import MatchResult

FAMILY_BITS = 48  # kinds are 64-bit masks: the families, then days and rounds on top
assert len(FAMILIES) <= FAMILY_BITS, f"at most {FAMILY_BITS} action families"
BITS: dict[str, int] = {name: 1 << i for i, name in enumerate(FAMILIES)}
WEAK_MASK = reduce(or_, (BITS[n] for n in WEAK), 0)
DIRECTION_MASK = reduce(or_, (BITS[n] for n in DIRECTIONS), 0)
CORE_KINDS = ~(WEAK_MASK | DIRECTION_MASK) & ((1 << len(BITS)) - 1)  # what the action was
FAMILY_MASK = (1 << len(BITS)) - 1
# Days of the week a lead names (lead_days) and the rounds it names (lead_rounds) ride in the
# lead kinds' top bits, Monday and the first round first.
DAY_SHIFT = FAMILY_BITS
DAY_MASK = ((1 << len(DAYS)) - 1) << DAY_SHIFT
ROUND_SHIFT = DAY_SHIFT + len(DAYS)
ROUND_MASK = ((1 << len(ORDINALS)) - 1) << ROUND_SHIFT
FOLLOW_UP_MASK = reduce(or_, (BITS[n] for n in FOLLOW_UPS), 0)
SENTENCE_KINDS = ~reduce(or_, (BITS[n] for n in TITLE_ONLY), 0)  # what a first sentence tells
STRONG = 1 << 31  # flag bit of a strong number's hash
MAX_NUMBERS = 8
LEAD_MIN, LEAD_MAX = 100, 320  # the first sentence ends after this many characters, at most
FIGURES_SPAN = 1200  # figures are read from the title and the text's first characters: the
# particulars an event is told by come first, and the scan stays cheap on long articles

_AR_CLITICS = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل")
_CLITIC_MAX = max(map(len, _AR_CLITICS))
_HEAD = 3  # letters a stripped form keeps at least (see _forms)
# a run of digits and separators (found fast), then the figures written in it
_RUN = re.compile(r"\d+(?:[.,٫٬\u00a0\u202f ]\d+)*")
_THOUSANDS = re.compile(r"[,٬\u00a0\u202f ](?=\d{3})")
_DECIMAL = re.compile(r"[.,٫]")
_NUMBER = re.compile(r"\d{1,3}(?:[,٬\u00a0\u202f ]\d{3})+(?!\d)|\d+[.,٫]\d+|\d+")
_SENTENCE_END = re.compile(r"\.(?!\w)|[!?؟。\n]")  # not the point in "$1.2 billion"
_MONTHS = frozenset(normalize(MONTHS).split())


class ActionWords:
    """The action lexicon, compiled: exact words and prefixes by length, with a cache."""

    def __init__(self, families: dict[str, dict[str, str]] = FAMILIES) -> None:
        self.exact: dict[str, int] = {}
        self.prefixes: dict[int, dict[str, int]] = {}
        for name, by_lang in families.items():
            bit = BITS[name]
            for words in by_lang.values():
                for entry in words.split():
                    prefix = entry.endswith("*")
                    folded = normalize(entry.rstrip("*")).split()
                    if len(folded) != 1:
                        raise ValueError(f"action word {entry!r} ({name}) is not one token")
                    key = folded[0]
                    table = self.prefixes.setdefault(len(key), {}) if prefix else self.exact
                    table[key] = table.get(key, 0) | bit
        self._lengths = sorted(self.prefixes)
        self._seen: set[str] = set()  # words already looked up
        self._named: dict[str, int] = {}  # ... those that name a family, with their bits
        # A word can name a family only if, at the start of one of its forms (itself, or
        # without a clitic: offset 0 to 4), the first _HEAD letters begin an entry. Entries
        # shorter than that can only be the whole word (a stripped form keeps 3 letters).
        keys = [*self.exact, *(k for table in self.prefixes.values() for k in table)]
        self._heads = frozenset(k[:_HEAD] for k in keys if len(k) >= _HEAD)
        self._short = frozenset(k for k in self.exact if len(k) < _HEAD)
        self._filtered = all(n >= _HEAD for n in self.prefixes)

    def bits(self, word: str) -> int:
        """The families a normalised word names (0 for none)."""
        out = 0
        for cand in _forms(word):
            out |= self.exact.get(cand, 0)
            for n in self._lengths:
                if n > len(cand):
                    break
                out |= self.prefixes[n].get(cand[:n], 0)
        return out

    def kinds(self, words: Iterable[str]) -> int:
        """The families named by any of `words` (normalised tokens). Each distinct word is
        looked up once; later, only set operations in C touch the article's words."""
        distinct = words if isinstance(words, (set, frozenset)) else set(words)
        named = self._learn(distinct)
        return reduce(or_, map(named.__getitem__, distinct.intersection(named)), 0)

    def named(self, words: Iterable[str]) -> dict[str, int]:
        """Those of `words` that name a family, with their bits (as `kinds` finds them)."""
        distinct = words if isinstance(words, (set, frozenset)) else set(words)
        named = self._learn(distinct)
        return {w: named[w] for w in distinct.intersection(named)}

    def _learn(self, distinct: set[str] | frozenset[str]) -> dict[str, int]:
        """The memo of words naming a family, with `distinct` looked up in it."""
        new = distinct.difference(self._seen)
        if new:
            if len(self._seen) > 500_000:
                self._seen.clear()
            self._seen.update(new)
            for w in self._maybe(new):
                bits = self.bits(w)
                if bits:
                    self._named[w] = bits
        return self._named

    def _maybe(self, words: AbstractSet[str]) -> AbstractSet[str]:
        """Those of `words` that may name a family (see __init__), in C-level passes: most
        words of an article are not action words and never reach the slower `bits`."""
        if not self._filtered:
            return words
        listed = list(words)
        out = set(words & self._short)
        for k in range(_CLITIC_MAX + 1):
            heads = map(itemgetter(slice(k, k + _HEAD)), listed)
            out.update(compress(listed, map(self._heads.__contains__, heads)))
        return out


def _forms(word: str) -> list[str]:
    """The word and, for Arabic script, the word without its proclitics."""
    forms = [word]
    if word and "\u0600" <= word[0] <= "\u06ff":
        for p in _AR_CLITICS:
            if word.startswith(p) and len(word) - len(p) >= _HEAD:
                forms.append(word[len(p) :])
    return forms


ACTIONS = ActionWords()
_NUMBER_WORDS = {normalize(w): n for n, ws in NUMBER_WORDS.items() for w in ws.split()}
_TEEN_UNITS = {normalize(w): n for n, ws in TEEN_UNITS.items() for w in ws.split()}
_TEEN_TENS = frozenset(normalize(w) for w in TEEN_TENS.split())
_NUMBER_KEYS = frozenset(_NUMBER_WORDS).union(_TEEN_UNITS)


def lead_end(text: str) -> int:
    """Where the first sentence of `text` ends: the lead that says what the article is about."""
    for m in _SENTENCE_END.finditer(text, LEAD_MIN, LEAD_MAX):
        i = m.start()
        if not (text[i - 1].isalpha() and not text[i - 2].isalpha()):  # not "U.S." or "J."
            return m.end()
    return min(len(text), LEAD_MAX)


_SCALE_EXACT = {normalize(w): n for n, ws in SCALES.items() for w in ws.split() if "*" not in w}
_SCALE_PREFIX = tuple(
    (normalize(w.rstrip("*")), n) for n, ws in SCALES.items() for w in ws.split() if "*" in w
)


def _scale(word: str) -> int:
    if word in _SCALE_EXACT:
        return _SCALE_EXACT[word]
    return next((n for p, n in _SCALE_PREFIX if word.startswith(p)), 1)


def _figure(raw: str, after: str) -> tuple[str, bool] | None:
    """A figure as written (and the word after it) → its canonical form and strength; None
    for years and for 0 and 1."""
    digits = _THOUSANDS.sub("", raw) if len(raw) > 4 else raw  # int() reads any script's digits
    scale = _scale(after)
    if digits.isdigit():
        value = int(digits)
        year = digits == raw and (1300 <= value <= 1499 or 1900 <= value <= 2100)
        if scale == 1 and (value < 2 or year):
            return None  # nothing, or a year (Gregorian or solar hijri; never "2,000")
        value *= scale
        return str(value), value >= 32
    whole, frac = _DECIMAL.split(digits, maxsplit=1)
    exact = (int(whole) * 10 ** len(frac) + int(frac)) * scale
    unit = 10 ** len(frac)
    if exact % unit == 0:
        return str(exact // unit), True
    text = f"{exact // unit}.{exact % unit:0{len(frac)}d}".rstrip("0")
    return text, True


_WORD_AFTER = re.compile(r"[\W_]{0,3}([^\W\d_]+)")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[\W_]{0,3}$")


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    folded = normalize(word).split()
    return folded[0] if folded else ""


def _figures_in(text: str) -> Iterable[re.Match[str]]:
    """The figures of `text`, leaving out runs that are part of a time (14:30), a date
    (19/05/2025, 2025-05-19) or a version (1.2.3)."""
    for run in _RUN.finditer(text):
        start, end = run.span()
        before = text[start - 1] if start else ""
        after = text[end : end + 2]
        in_time_or_date = bool(before) and before in ":/.-"
        in_time_or_date |= after[:1] in (":", "/")
        in_time_or_date |= after[:1] in (".", "-") and after[1:2].isdigit()
        if in_time_or_date:
            continue
        yield from _NUMBER.finditer(text, start, end)


def numbers(text: str, words: Sequence[str] = ()) -> tuple[int, ...]:
    """The figures of `text` (and number words among its normalised `words`, in order),
    hashed, the strong ones flagged with STRONG; strong first, at most MAX_NUMBERS. A figure
    beside a month name is a date and is left out."""
    strong: dict[int, None] = {}
    weak: dict[int, None] = {}
    for m in _figures_in(text):
        a = _WORD_AFTER.match(text, m.end())
        b = _WORD_BEFORE.search(text, max(0, m.start() - 24), m.start())
        after = _fold_word(a.group(1)) if a else ""
        if after in _MONTHS or (b and _fold_word(b.group(1)) in _MONTHS):
            continue
        got = _figure(m.group(), after)
        if got is None:
            continue
        value, is_strong = got
        h = crc32(value.encode()) & (STRONG - 1) or 1
        (strong if is_strong else weak)[h | (STRONG if is_strong else 0)] = None
    for n in _word_numbers(words):
        h = crc32(str(n).encode()) & (STRONG - 1) or 1
        (strong if n >= 32 else weak)[h | (STRONG if n >= 32 else 0)] = None
    return tuple([*strong, *weak][:MAX_NUMBERS])


def _word_numbers(words: Sequence[str]) -> list[int]:
    """The numbers written as words in `words` (in order), each scaled by a scale word right
    after it: "ثلاثة آلاف", "three thousand" and "три тысячи" are 3,000 as "3,000" is; an
    Arabic unit before عشر/عشرة is a teen ("أحد عشر" is 11, "ثلاثة عشر ألفاً" 13,000)."""
    present = _NUMBER_KEYS.intersection(words)
    values: dict[int, None] = {}
    end = len(words)
    for w in sorted(present):
        i = -1
        with suppress(ValueError):  # every place it stands (number words are rare: few scans)
            while True:
                i = words.index(w, i + 1)
                after = words[i + 1] if i + 1 < end else ""
                if after in _TEEN_TENS and w in _TEEN_UNITS:
                    n = _TEEN_UNITS[w] + 10
                    after = words[i + 2] if i + 2 < end else ""
                elif w in _TEEN_TENS and i and words[i - 1] in _TEEN_UNITS:
                    continue  # the ten of a teen, read with its unit
                elif w in _NUMBER_WORDS:
                    n = _NUMBER_WORDS[w]
                else:
                    continue  # أحد or اثنا without عشر: no number
                values[n * _scale(after)] = None
    return list(values)


@dataclass(frozen=True, slots=True)
class Signature:
    """What an article's words say about its event (actors and places come from rules)."""

    kinds: int  # families named anywhere
    lead: int  # families named in the title or first sentence
    numbers: tuple[int, ...]


def signature(title: str, text: str, title_words: list[str], words: list[str]) -> Signature:
    """The signature of an article, given its normalised title and text words."""
    sentence = lead_words(text)
    lead = ACTIONS.kinds(title_words) | ACTIONS.kinds(sentence) & SENTENCE_KINDS
    lead |= lead_marks(title_words, sentence)
    distinct = set(words).union(title_words)
    return Signature(
        kinds=lead | ACTIONS.kinds(distinct),
        lead=lead,
        numbers=numbers(figures_text(title, text), [*title_words, *words]),
    )


def lead_words(text: str) -> list[str]:
    """The normalised words of the first sentence (the last may be cut: see `lead_end`)."""
    return split_words(text[: lead_end(text)])


def figures_text(title: str, text: str) -> str:
    """Where an article's figures are read from (see FIGURES_SPAN)."""
    return f"{title}\n{text[:FIGURES_SPAN]}"


def kind_points(a_lead: int, a_all: int, b_lead: int, b_all: int) -> float:
    """How much the two articles' actions agree: a family both leads name counts 1 (a weak
    one 0.5); one named in a lead and only further down in the other counts 0.5; at most 2."""
    both = a_lead & b_lead & FAMILY_MASK
    body = ((a_lead & b_all) | (b_lead & a_all)) & ~both & FAMILY_MASK
    points = (
        (both & ~WEAK_MASK).bit_count()
        + 0.5 * (both & WEAK_MASK).bit_count()
        + 0.5 * (body & ~WEAK_MASK).bit_count()
    )
    return min(points, 2.0)


def kind_points_max(a_lead: int, a_all: int) -> float:
    """The most `kind_points` gives the first article with any other (one whose lead and
    text name every family the first names): what its actions can add to an event at best."""
    a_all |= a_lead
    return kind_points(a_lead, a_all, a_all, a_all)


def kinds_disagree(a_lead: int, b_lead: int) -> bool:
    """The leads name different kinds of action (a visit and a condemnation), or prices moving
    in opposite directions. Weak families (casualties) never disagree, nor do two ways of
    telling one act (bot.core.eventwords.ALIKE: an attack and the blast it was)."""
    a, b = a_lead & CORE_KINDS, b_lead & CORE_KINDS
    if a and b and not _widened(a) & b:
        return True
    da, db = a_lead & DIRECTION_MASK, b_lead & DIRECTION_MASK
    return bool(da and db and not da & db)


_DAY_BITS = {
    w: 1 << (DAY_SHIFT + i) for i, words in enumerate(DAYS) for w in normalize(words).split()
}
_PAST = frozenset(normalize(PAST_DAY).split())
_SATURDAY = normalize("شنبه")
_DAY_BEFORE_SATURDAY = {normalize(k): 1 << (DAY_SHIFT + i) for k, i in PERSIAN_DAYS.items()}


def lead_marks(title: Sequence[str], sentence: Sequence[str]) -> int:
    """The lead's days of the week and round of a series (DAY_MASK and ROUND_MASK bits), which
    ride in its lead kinds."""
    return lead_days(title) | lead_days(sentence) | lead_rounds(title, sentence)


def _beside(words: Sequence[str], i: int, among: AbstractSet[str]) -> bool:
    """Whether a neighbour of `words[i]` is one of `among`."""
    return (i > 0 and words[i - 1] in among) or (i + 1 < len(words) and words[i + 1] in among)


def lead_days(words: Sequence[str]) -> int:
    """The days of the week the lead's words name as the day of its event (one beside "last",
    "الماضي", "گذشته" or "прошлый" is an earlier day recalled), as DAY_MASK bits."""
    if _DAY_BITS.keys().isdisjoint(words):
        return 0
    bits = 0
    for i, w in enumerate(words):
        bit = _DAY_BITS.get(w)
        if bit and w == _SATURDAY and i:  # سه‌شنبه comes as سه + شنبه: Tuesday
            bit = _DAY_BEFORE_SATURDAY.get(words[i - 1], bit)
        if bit and i > 1 and (words[i - 2], words[i - 1]) == NIGHT_BEFORE:
            bit = 0  # в ночь на вторник: the night before Tuesday
        if bit and not _beside(words, i, _PAST):
            bits |= bit
    return bits


_ORDINAL_BITS = {
    w: 1 << (ROUND_SHIFT + i) for i, words in enumerate(ORDINALS) for w in normalize(words).split()
}
_ROUND_NOUNS = frozenset(normalize(ROUND_NOUNS).split())


def lead_rounds(title: Sequence[str], sentence: Sequence[str]) -> int:
    """The round of a series the lead names ("the second round of talks", الجولة الثانية,
    دور دوم, второй раунд): an ordinal beside a round noun, from the title when it names one
    (a first sentence often recalls the round before: "two days after a first round ...")."""
    return _rounds(title) or _rounds(sentence)


def _rounds(words: Sequence[str]) -> int:
    if _ORDINAL_BITS.keys().isdisjoint(words) or _ROUND_NOUNS.isdisjoint(words):
        return 0
    bits = 0
    for i, w in enumerate(words):
        bit = _ORDINAL_BITS.get(w)
        if bit and _beside(words, i, _ROUND_NOUNS):
            bits |= bit
    return bits


def _differ(a_lead: int, b_lead: int, mask: int) -> bool:
    a, b = a_lead & mask, b_lead & mask
    return bool(a and b and not a & b)


def rounds_differ(a_lead: int, b_lead: int) -> bool:
    """Both leads name a round of a series, and not the same one: two happenings."""
    return _differ(a_lead, b_lead, ROUND_MASK)


def days_differ(a_lead: int, b_lead: int) -> bool:
    """Both leads name a day of the week, and not the same one: two happenings, unless one
    of them is a toll update of the other (`toll_update`), told the day after."""
    if not _differ(a_lead, b_lead, DAY_MASK):
        return False
    return not (toll_update(a_lead, b_lead) or toll_update(b_lead, a_lead))


_TOLL = BITS["casualties"] | BITS["rise"]
_FIRE = BITS["fire"]


def tells_toll(lead: int) -> bool:
    """The lead tells a toll that rose (it names casualties and a rise): the day it names is
    the day the toll was given, not the day of the happening."""
    return lead & _TOLL == _TOLL


def toll_update(lead: int, other: int) -> bool:
    """`lead` tells a toll that rose ("the death toll rose to nine") of the happening the
    `other` lead tells: it names no kind of action the other does not, and the other names
    none that is not one of its own or alike (ALIKE), but for the fire an attack set off.
    The suspects' arrest after a bombing is not the bombing, whose toll rose."""
    if not tells_toll(lead):
        return False
    core = lead & CORE_KINDS
    return not core & ~other and not other & CORE_KINDS & ~_widened(core) & ~_FIRE


def _alike_masks() -> dict[int, int]:
    """The bit of each family in ALIKE → it and the bits of the families alike to it."""
    out: dict[int, int] = {}
    for x, y in ALIKE:
        out[BITS[x]] = out.get(BITS[x], BITS[x]) | BITS[y]
        out[BITS[y]] = out.get(BITS[y], BITS[y]) | BITS[x]
    return out


_ALIKE_MASK = _alike_masks()


def _widened(kinds: int) -> int:
    """`kinds` with the families that may tell the same act (ALIKE)."""
    out = kinds
    for bit, alike in _ALIKE_MASK.items():
        if kinds & bit:
            out |= alike
    return out


def follow_up_differs(a_lead: int, b_lead: int) -> bool:
    """One lead names a follow-up action (bot.core.eventwords.FOLLOW_UPS) the other does not,
    both name some action, and the leads do not already disagree (kinds_disagree)."""
    if not (a_lead & CORE_KINDS and b_lead & CORE_KINDS) or kinds_disagree(a_lead, b_lead):
        return False
    return bool((a_lead ^ b_lead) & FOLLOW_UP_MASK)


def number_points(
    mine: frozenset[int], mine_strong: bool, other: Iterable[int]
) -> tuple[float, bool]:
    """(shared figures: 1 per strong, 0.5 per weak, at most 2; True when both have strong
    figures and share none of them). `other` may carry 0 as padding."""
    shared = mine.intersection(other)
    if shared:
        strong = sum(1 for x in shared if x & STRONG)
        differ = mine_strong and not strong and any(x & STRONG for x in other)
        return min(strong + 0.5 * (len(shared) - strong), 2.0), differ
    return 0.0, mine_strong and any(x & STRONG for x in other)


def lead_entities(result: MatchResult, text: str) -> frozenset[str]:
    """The entities the title or the first sentence names: the event's principal actors
    and places, as opposed to those mentioned in passing further down."""
    end = lead_end(text)
    return frozenset(
        m.id
        for m in result.entities
        if any(e.field == "title" or e.start < end for e in m.evidence)
    )
