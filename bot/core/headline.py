"""The title of a story: in the reader's language when an outlet wrote in it, else the
headline closest to all the others.

Outlets headline one event differently; the one sharing the most content words with the rest
names what they have in common, while an outlet's angle or a wire copy's teaser stays out.
Ties go to the earliest, so a story's title changes only when a better one arrives.

A channel reads the story in its own language when it can: `in_language` swaps the title
and lead for those of an outlet that wrote in that language (the most representative of
them when several did); a story with no such outlet keeps its representative title.
An article's language is its source's or page's code ("en-GB" counts as "en"), or, when
none was given, the one its headline's script shows (Cyrillic: ru; Arabic script with
Persian letters: fa, else ar; Latin: en).
The lead is cut from the text of the article whose headline won, one way for every story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.core.normalize import normalize
from bot.core.stem import stems
from bot.models import Headline, Story

_PERSIAN_LETTERS = frozenset("پچژگکی")


def representative(titles: Sequence[str]) -> str:
    """The title (in its original form) whose stemmed words overlap the others' the most."""
    bags = [set(filter(None, stems(normalize(t).split()))) for t in titles]
    best, best_score = "", -1.0
    for i, (title, bag) in enumerate(zip(titles, bags, strict=True)):
        if not title.strip():
            continue
        score = sum(
            len(bag & other) / (len(bag | other) or 1) for j, other in enumerate(bags) if j != i
        )
        if score > best_score:
            best, best_score = title, score
    return best


def script_language(text: str) -> str | None:
    """The language a text's letters point to: ru, fa, ar or en; None with no letters."""
    counts = {"ru": 0, "arabic": 0, "en": 0}
    persian = False
    for ch in text:
        if "\u0400" <= ch <= "\u04ff":
            counts["ru"] += 1
        elif "\u0600" <= ch <= "\u06ff":
            counts["arabic"] += 1
            persian = persian or ch in _PERSIAN_LETTERS
        elif ch.isascii() and ch.isalpha():
            counts["en"] += 1
    best = max(counts, key=lambda k: counts[k])
    if counts[best] == 0:
        return None
    if best == "arabic":
        return "fa" if persian else "ar"
    return best


def language_of(lang: str | None, title: str) -> str | None:
    """An article's language: its given code's primary part, else its headline's script."""
    if lang and lang.strip():
        return lang.strip().lower().replace("_", "-").split("-")[0]
    return script_language(title)


def headlines_of(
    articles: Sequence[tuple[str, str | None, str, str]],
) -> tuple[Headline, ...]:
    """One headline per source (its first article), from (source id, language, title, text
    start) in order of first report."""
    seen: dict[str, Headline] = {}
    for source_id, lang, title, text in articles:
        seen.setdefault(source_id, Headline(lang, title, text))
    return tuple(seen.values())


def in_language(story: Story, language: str) -> Story:
    """The story titled and led by an outlet writing in `language`, when it has one."""
    own = [
        h for h in story.headlines if h.title.strip() and language_of(h.lang, h.title) == language
    ]
    if not own or any(h.title == story.title for h in own):
        return story
    title = representative([h.title for h in own]) if len(own) > 1 else own[0].title
    chosen = next(h for h in own if h.title == title)
    return replace(story, title=chosen.title, lead=chosen.text)


def lead_of(text: str, limit: int = 280) -> str:
    """The first sentence or two, for digests."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for stop in (". ", "。", "؟ ", "! ", "? "):
        pos = cut.rfind(stop)
        if pos > limit // 3:
            return cut[: pos + 1].strip()
    return cut.rsplit(" ", 1)[0] + "…"


def headline(articles: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """(title, lead) of a story from its articles' (title, text), oldest first."""
    if not articles:
        raise ValueError("a story without articles has no headline")
    title = representative([t for t, _ in articles])
    text = next((x for t, x in articles if t == title), articles[0][1])
    return title, lead_of(text)
