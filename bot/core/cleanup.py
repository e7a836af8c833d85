"""Feed or page text → the article's main text.

In order: related-article blocks cut (core.related: by heading lexicon or by shape, keeping
the article's tail after a block), boilerplate lines dropped by class (core.boilerplate:
script and cookie notices, comment policies, tag lines, share bars, copyright, bulleted
menu entries), menus and section lists around the text dropped (core.menus), runs of blank
lines collapsed.

`clean_text` is idempotent: the pipeline applies it to feed text and to extracted page text.
"""

from __future__ import annotations

import functools

from bot.core.boilerplate import line_class
from bot.core.menus import menu_lines
from bot.core.normalize import normalize
from bot.core.related import cut_related


def clean_text(text: str) -> str:
    """Main text of `text`: related blocks cut, boilerplate lines and menus dropped."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    normalized = functools.cache(normalize)  # lines are looked at several times: once each

    lines = cut_related(lines, normalized)
    norms = [normalized(line) for line in lines]
    classes = {
        i: c for i, line in enumerate(lines) if norms[i] and (c := line_class(line, norms[i]))
    }
    dropped = set(classes)
    dropped |= menu_lines(lines, norms, {i for i, c in classes.items() if c != "bullet"})
    kept: list[str] = []
    for i, line in enumerate(lines):
        if i in dropped:
            continue
        if not norms[i] and (not kept or not kept[-1]):
            continue
        kept.append(line if norms[i] else "")
    return "\n".join(kept).strip()
