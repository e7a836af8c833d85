"""A strict reading of Telegram's HTML parse mode, used by the fake Bot API and the tests.

Telegram accepts a small set of tags, `href` only on <a>, the named entities &lt; &gt; &amp;
&quot; and numeric ones; every other <, > and & must be escaped. `parse` returns the visible
text and the links, or raises TelegramHTMLError the way the real API answers 400.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

ALLOWED = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip
TOKEN = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s+[a-zA-Z-]+\s*=\s*\"[^\"<>]*\")*)\s*>")
ATTR = re.compile(r"([a-zA-Z-]+)\s*=\s*\"([^\"]*)\"")
ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")


class TelegramHTMLError(ValueError):
    pass


@dataclass
class Parsed:
    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, visible label)
    tags: list[str] = field(default_factory=list)


def _text(chunk: str, where: int) -> str:
    if "<" in chunk or ">" in chunk:
        raise TelegramHTMLError(f"can't parse entities: unexpected '<' or '>' at {where}")
    pos = 0
    out = []
    for m in re.finditer("&", chunk):
        if m.start() < pos:
            continue
        e = ENTITY.match(chunk, m.start())
        if not e:
            raise TelegramHTMLError(f"can't parse entities: bare '&' at {where + m.start()}")
        out.append(chunk[pos : m.start()] + html.unescape(e.group(0)))
        pos = e.end()
    out.append(chunk[pos:])
    return "".join(out)


def parse(source: str) -> Parsed:
    result = Parsed()
    stack: list[tuple[str, int, str]] = []  # tag, start of its text, href
    pos = 0
    for m in TOKEN.finditer(source):
        result.text += _text(source[pos : m.start()], pos)
        pos = m.end()
        closing, tag, attrs = m.group(1), m.group(2).lower(), m.group(3)
        if tag not in ALLOWED:
            raise TelegramHTMLError(f"can't parse entities: unsupported start tag {tag!r}")
        if closing:
            if not stack or stack[-1][0] != tag:
                raise TelegramHTMLError(f"can't parse entities: unexpected end tag {tag!r}")
            _, start, href = stack.pop()
            if tag == "a":
                result.links.append((href, result.text[start:]))
            continue
        found = dict((k.lower(), html.unescape(v)) for k, v in ATTR.findall(attrs))
        if tag == "a" and (set(found) != {"href"}):
            raise TelegramHTMLError("can't parse entities: <a> needs exactly an href")
        if tag != "a" and found and tag not in ("span", "tg-emoji", "pre", "code", "blockquote"):
            raise TelegramHTMLError(f"can't parse entities: attributes on {tag!r}")
        result.tags.append(tag)
        stack.append((tag, len(result.text), found.get("href", "")))
    result.text += _text(source[pos:], pos)
    if stack:
        raise TelegramHTMLError(f"can't parse entities: unclosed {stack[-1][0]!r}")
    return result
