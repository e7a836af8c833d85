"""Feed text → main text: boilerplate lines dropped, related-article blocks cut.

A related block starts at a marker line ("اقرأ أيضاً", "Read more", "Читайте также", ...) and
runs over the link-like lines after it (short, no sentence end). What follows is kept, as
the article going on after a widget, unless it is another article appended by the outlet:
the lines just before the marker close the article (source, keywords, share, copyright), or
the paragraph after the block is the lede of the block's last headline (it repeats most of
the headline's words). Then everything from the marker on goes.

`clean_text` is idempotent: the pipeline applies it to feed text and to extracted page text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from bot.core.normalize import normalize
from bot.core.stem import stem

_MARKERS = tuple(
    normalize(m)
    for m in (
        "اقرأ أيضا", "اقرأ ايضا", "إقرأ أيضاً", "اقرأ كذلك", "اقرأ المزيد", "اقرأ أيضًا",
        "قد يهمك أيضا", "قد يهمك", "شاهد أيضا", "طالع أيضا", "مواضيع ذات صلة",
        "أخبار ذات صلة", "مقالات ذات صلة", "بیشتر بخوانید", "بیشتر بخوانيد",
        "مطالب مرتبط", "اخبار مرتبط", "Read more", "Read also", "See also", "Related",
        "Related articles", "Related news", "More on this", "Читайте также", "По теме",
        "Смотрите также",
    )
)  # fmt: skip
_KEYWORD_LINES = tuple(
    normalize(m)
    for m in (
        "كلمات دلالية", "الكلمات المفتاحية", "كلمات مفتاحية", "الوسوم", "وسوم", "برچسب ها",
        "کلید واژه", "Tags", "Keywords", "Теги", "Ключевые слова",
    )
)  # fmt: skip
_SOURCE_LINES = tuple(normalize(m) for m in ("المصدر", "منبع", "Source", "Источник"))
_SHARE = tuple(
    normalize(m)
    for m in ("شارك", "شاركوا", "مشاركة", "Share", "Поделиться", "اشتراک گذاری", "همرسانی")
)
_COPYRIGHT = tuple(
    normalize(m)
    for m in (
        "جميع الحقوق محفوظة", "كافة الحقوق محفوظة", "حقوق النشر", "كليه حقوق", "تمامی حقوق",
        "all rights reserved", "copyright", "все права защищены",
    )
)  # fmt: skip
_BULLET_RE = re.compile(r"^\s*[•·▪►|»\-*]\s*")
_SENTENCE_END = (".", "!", "?", "؟", "。", "…", ":", "»", '"', "”")
LINK_WORDS = 20  # a line of at most this many words, without a sentence end, is link-like
MENU_WORDS = 4


def _starts(norm: str, phrases: tuple[str, ...]) -> bool:
    return any(norm == p or norm.startswith(p + " ") for p in phrases)


def _marker(line: str, norm: str) -> str | None:
    """The marker the line starts with: alone on the line, or followed by a colon."""
    if len(norm.split()) > LINK_WORDS:
        return None
    for m in _MARKERS:
        if norm == m or (norm.startswith(m + " ") and ":" in line[: len(m) + 4]):
            return m
    return None


def _is_boilerplate(line: str, norm: str) -> bool:
    n = len(norm.split())
    if "javascript" in norm and n <= 20:
        return True
    if "©" in line and n <= 20:
        return True
    if n <= 15 and any(c in norm for c in _COPYRIGHT):
        return True
    if n <= 8 and _starts(norm, _SHARE):
        return True
    if _starts(norm, _KEYWORD_LINES) and (":" in line or n <= 3):
        return True
    return bool(_BULLET_RE.match(line)) and n <= MENU_WORDS


def _link_like(line: str, norm: str) -> bool:
    n = len(norm.split())
    return 0 < n <= LINK_WORDS and not line.rstrip().endswith(_SENTENCE_END[:4])


def _closes_article(line: str, norm: str) -> bool:
    """Lines that end an article: source, keywords, share, copyright."""
    if _is_boilerplate(line, norm) and not _BULLET_RE.match(line):
        return True
    return _starts(norm, _SOURCE_LINES) and ":" in line and len(norm.split()) <= 12


def _content(norm: str) -> set[str]:
    return {s for w in norm.split() if (s := stem(w)) and len(s) >= 3}


def _is_lede_of(headline: str, paragraph: str) -> bool:
    head = _content(headline)
    if len(head) < 3:
        return False
    return len(head & _content(paragraph)) >= max(3, (len(head) + 1) // 2)


def _cut_related(lines: list[str], norm_of: Callable[[str], str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        norm = norm_of(lines[i])
        marker = _marker(lines[i], norm)
        if marker is None:
            out.append(lines[i])
            i += 1
            continue
        before = [x for x in out if x.strip()][-3:]
        if any(_closes_article(b, norm_of(b)) for b in before):
            return out
        j = i + 1
        last_link = norm[len(marker) :].strip()
        while j < len(lines):
            nj = norm_of(lines[j])
            if not nj:
                j += 1
                continue
            if _marker(lines[j], nj) is not None:
                break
            if not _link_like(lines[j], nj):
                if last_link and _is_lede_of(last_link, nj):
                    return out
                break
            last_link = nj
            j += 1
        i = j
    return out


def clean_text(text: str) -> str:
    """Main text of `text`: boilerplate lines dropped, related-article blocks cut."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    normalized = functools.cache(normalize)  # each line is looked at twice: normalise once

    lines = _cut_related(lines, normalized)
    kept: list[str] = []
    for line in lines:
        norm = normalized(line)
        if norm and _is_boilerplate(line, norm):
            continue
        if not norm and (not kept or not kept[-1]):
            continue
        kept.append(line if norm else "")
    return "\n".join(kept).strip()
