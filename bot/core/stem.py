"""Light stemming and stopwords for story grouping, on tokens already normalised.

Grouping compares what articles are about, so function words go and inflection is shaved:
Arabic/Persian proclitics (و, ف, ب, ك, ل, ال and their combinations) and common suffixes
(plural, dual, nisba, possessive), English -s/-ed/-ing, Russian case endings. The rules are
deliberately light: a wrong cut costs nothing as long as both articles get the same cut.
Input is `normalize`d text, so hamza forms are already ا, ة is ه and ى/ی are ي.
"""

from __future__ import annotations

from bot.core.normalize import normalize


def _words(block: str) -> list[str]:
    return block.split()


_AR = _words("""
في من الى علي على عن مع ان او ام ثم بل لا لم لن ما ماذا هل قد كل بعض غير بين حتى اذا اذ
هذا هذه ذلك تلك هو هي هم هما هن انا نحن انت الذي التي الذين اللذين اللتين التى كان كانت
يكون تكون كانوا وقد وقال قال قالت واضاف اضاف واكد اكد واشار اشار وتابع تابع ذكر وذكر عند
منذ خلال لدي لدى ضد حول عبر امس اليوم يوم مساء صباح ايضا كما لكن حيث وفي ومن والتي الا اي
ان وان بان لان انه انها بانه وهو وهي ولا وما فيه فيها منه منها عليه عليها اليه اليها به بها له
لها لهم بعد قبل فقط جدا مثل نحو ضمن لقد وكان وكانت اكثر اقل تم وتم يتم حين بشان
""")
_FA = _words("""
و در به از که این آن را با است برای هم تا یا اما اگر نیز بر شد شده شود می نمی خود ما
شما او آنها ایشان بود بودند هست نیست کرد کرده کند کنند کردند دارد دارند باید پس پیش روی
همه هر چه چون وی یک دو گفت گفته خواهد بین زیر بالا طی نزد ها های
""")
_EN = _words("""
a an the and or but if of to in on at by for with from as is are was were be been being it
its this that these those he she they we you i his her their our your them him us not no
has have had do does did will would can could should may might must shall than then there
here when where which who whom whose what why how all any both each few more most other some
such only own same so too very just also into over after before under again further once
about against between through during above below up down out off said says say new one two
""")
_RU = _words("""
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее
мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был
него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней
для мы тебя их чем была сам чтобы без будто чего раз тоже себе под будет ж тогда кто этот того
потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем
всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего
них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя
такой им более всегда конечно всю между заявил сообщил также
""")
STOPWORDS: frozenset[str] = frozenset(normalize(w) for w in _AR + _FA + _EN + _RU)

_AR_PREFIXES = ("وبال", "وال", "بال", "كال", "فال", "لل", "ال")
_AR_SUFFIXES = ("يين", "هما", "كما", "هم", "ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
_EN_SUFFIXES = (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))
_RU_SUFFIXES = tuple(
    sorted(
        _words("""ами ями ого его ому ему ыми ими ой ей ом ем ам ям ах ях ов ев ый ий ая
        яя ое ее ые ие ую юю ию ия ья ье а я ы и е у ю о ь"""),
        key=len,
        reverse=True,
    )
)


def _script(word: str) -> str:
    ch = word[0]
    if "\u0600" <= ch <= "\u06ff":
        return "arabic"
    if "\u0400" <= ch <= "\u04ff":
        return "cyrillic"
    if ch.isascii() and ch.isalpha():
        return "latin"
    return "other"


def _stem_arabic(word: str) -> str:
    if len(word) >= 6 and word[0] == "و" and word[1:3] != "ال":  # وروسيا, not وزارة
        word = word[1:]
    for p in _AR_PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 2:
            word = word[len(p) :]
            break
    for s in _AR_SUFFIXES:  # one suffix; a longer one must leave four letters (ايران, تعاون)
        if word.endswith(s) and len(word) - len(s) >= (3 if len(s) == 1 else 4):
            return word[: -len(s)]
    return word


def _stem_english(word: str) -> str:
    for suffix, repl in _EN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def _stem_russian(word: str) -> str:
    for s in _RU_SUFFIXES:
        if word.endswith(s) and len(word) - len(s) >= 3:
            return word[: -len(s)]
    return word


_CACHE: dict[str, str] = {}  # word → stem, "" for a dropped word
_CACHE_MAX = 500_000


def stems(words: list[str]) -> list[str]:
    """The stems of many words, "" where `stem` gives None; cached, so mostly a C loop."""
    out = list(map(_CACHE.get, words))
    if None in out:
        if len(_CACHE) > _CACHE_MAX:
            _CACHE.clear()
        for i, s in enumerate(out):
            if s is None:
                out[i] = _CACHE[words[i]] = stem(words[i]) or ""
    return out  # type: ignore[return-value]


def stem(word: str) -> str | None:
    """The stem of one normalised token, or None for a stopword or a token too short to
    mean anything (one letter, or a number under three digits)."""
    if word in STOPWORDS or len(word) < 2:
        return None
    if word.isdigit():
        return word if len(word) >= 3 else None
    script = _script(word)
    if script == "arabic":
        out = _stem_arabic(word)
    elif script == "latin":
        out = _stem_english(word)
    elif script == "cyrillic":
        out = _stem_russian(word)
    else:
        out = word
    return None if out in STOPWORDS else out
