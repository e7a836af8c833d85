"""Related-article blocks: a short heading line, then headline- or link-like lines.

A block is recognised by its shape. Its heading is a short line (at most HEADING_WORDS words,
often ending in a colon); the lines after it look like headlines or links (short, no
sentence end); the block ends at the next line of running text, or at the end of the text.

- A heading found in the lexicon («مواضيع ذات صلة», «همچنین بخوانید», "See also», «По
  теме», ...; compared after normalisation and stemming, so hamza, tanween, ی/ي, ک/ك and a
  final colon do not matter) marks a block wherever it stands, even with no headline after
  it or with one on the same line ("Read more: Storm closes roads").
- Any other short heading marks a block by shape alone: two or more headline-like lines
  after it, and no more running text after them (other corpora use other words).

A cut removes the block and keeps the article going on after it, unless what follows is
another article the outlet appended: the lines just before the heading close the article
(source credit, tags, share bar, copyright), or the paragraph after the block is the lede of
the block's last headline (it repeats most of its words). Then everything from the heading
on goes.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.boilerplate import SENTENCE_END, closes_article, is_boilerplate
from bot.core.menus import running
from bot.core.normalize import spans
from bot.core.stem import stem
from bot.core.wordsets import PhraseSet, keys

HEADINGS = PhraseSet(
    """اقرأ أيضا; اقرأ كذلك; اقرأ المزيد; قد يهمك أيضا; قد يهمك; شاهد أيضا; طالع أيضا;
    مواضيع ذات صلة; أخبار ذات صلة; مقالات ذات صلة; ذات صلة; المزيد من الأخبار; أخبار متعلقة;
    اخترنا لك; الأكثر قراءة; بیشتر بخوانید; همچنین بخوانید; مطالب پیشنهادی; مطالب مرتبط;
    اخبار مرتبط; مطالب مرتبط; بیشتر بخوانید; پربازدیدترین ها; read more; read also;
    see also; related; related articles; related news; related stories; more on this;
    more on this story; you may also like; most read; читайте также; по теме; смотрите также;
    также читайте; еще по теме; самое читаемое"""
)
LINK_WORDS = 20  # a line of at most this many words, without a sentence end, is link-like
HEADING_WORDS = 5
HEADLINE_MIN_WORDS = 3  # a shape-only block needs two lines at least this long
SHAPE_HEADLINE_WORDS = 16  # and none longer (an unpunctuated paragraph is longer)


def _link_like(line: str, norm: str) -> bool:
    n = len(norm.split())
    return 0 < n <= LINK_WORDS and not line.rstrip().endswith(SENTENCE_END[:4])


def lexicon_heading(line: str, norm: str) -> int | None:
    """The number of words of a lexicon heading the line starts with: alone on the line, or
    followed by a colon and a headline. None when it starts with none."""
    if not norm or norm.count(" ") >= LINK_WORDS:
        return None
    k = keys(norm)
    size = HEADINGS.prefix(k)
    if size == 0:
        return None
    if size == len(k):
        return size
    head_end = [e for s, e in spans(line) if e > s][size - 1]
    return size if ":" in line[head_end : head_end + 4] else None


def shape_heading(line: str, norm: str) -> bool:
    """A short line that could head a block: few words, no sentence end."""
    n = len(norm.split())
    return 0 < n <= HEADING_WORDS and not line.rstrip().endswith(SENTENCE_END)


def _content(norm: str) -> set[str]:
    return {s for w in norm.split() if (s := stem(w)) and len(s) >= 3}


def is_lede_of(headline: str, paragraph: str) -> bool:
    """The paragraph repeats most of the headline's content words: that story's lede."""
    head = _content(headline)
    if len(head) < 3:
        return False
    return len(head & _content(paragraph)) >= max(3, (len(head) + 1) // 2)


def _shaped_block(heading: str, heads: list[str]) -> bool:
    """An unknown heading ends the article with a block: it ends in a colon and two or more
    headlines follow, or it is very short and three or more follow (a subheading over two
    unpunctuated short paragraphs stays); none of them as long as a paragraph."""
    colon = heading.rstrip().endswith(":")
    if not colon and len(heading.split()) > 3:
        return False
    if any(len(h.split()) > SHAPE_HEADLINE_WORDS for h in heads):
        return False
    return sum(len(h.split()) >= HEADLINE_MIN_WORDS for h in heads) >= (2 if colon else 3)


def cut_related(lines: list[str], norm_of: Callable[[str], str]) -> list[str]:
    """`lines` without their related-article blocks (see the module docstring).

    Repeated until nothing more goes: a cut can reveal a block (a heading whose block ran
    into a block cut later is then at the end of the text), so one pass is not idempotent.
    """
    while True:
        out = _cut_once(lines, norm_of)
        if len(out) == len(lines):
            return out
        lines = out


def _cut_once(lines: list[str], norm_of: Callable[[str], str]) -> list[str]:
    out: list[str] = []
    after_text = False  # running text kept before the current line
    i = 0
    while i < len(lines):
        norm = norm_of(lines[i])
        size = lexicon_heading(lines[i], norm)
        if size is None and not shape_heading(lines[i], norm):
            out.append(lines[i])
            after_text = after_text or running(lines[i], norm)
            i += 1
            continue
        if size is not None and any(
            closes_article(b, norm_of(b)) for b in [x for x in out if x.strip()][-3:]
        ):
            return out
        inline = " ".join(norm.split()[size:]) if size else ""
        heads = [inline] if inline else []
        j = i + 1
        while j < len(lines):
            nj = norm_of(lines[j])
            if not nj or is_boilerplate(lines[j], nj):
                j += 1
                continue
            if lexicon_heading(lines[j], nj) is not None or not _link_like(lines[j], nj):
                break
            heads.append(nj)
            j += 1
        more = j < len(lines)
        if after_text and more and heads and is_lede_of(heads[-1], norm_of(lines[j])):
            return out  # the block's last headline goes on as an appended article
        if size is not None:
            i = j
            continue
        if after_text and not more and _shaped_block(lines[i], heads):
            return out  # a block by shape alone, at the end of the text
        out.append(lines[i])
        i += 1
    return out
