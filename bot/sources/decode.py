"""Bytes → text for fetched documents, and HTML fragments → plain text.

Servers often lie about the charset (an Arabic page in windows-1256 served as ISO-8859-1 or
UTF-8, declaring the truth only in `<meta>`). Order of belief: a BOM; UTF-8 when the bytes
are valid UTF-8 (random windows-125x text almost never is); the document's own declaration
(`<meta charset>` / XML declaration); the Content-Type header; a statistical guess.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

import charset_normalizer
import lxml.html
from lxml import etree

_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)
_HEADER_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Browsers read these labels as windows-1252, a superset; so do we.
    return "cp1252" if codec in ("latin_1", "iso8859-1", "ascii") else codec


def header_charset(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    m = _HEADER_RE.search(ctype)
    return m.group(1) if m else None


def declared_charset(body: bytes) -> str | None:
    head = body[:4096]
    m = _XML_DECL_RE.search(head) or _META_RE.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def decode_body(body: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(text, codec used). Never raises: the last resort decodes with replacement."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, "replace"), name
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for candidate in (declared_charset(body), header_charset(headers)):
        codec = _codec(candidate)
        if codec and codec not in ("utf-8", "utf_8"):
            try:
                return body.decode(codec), codec
            except UnicodeDecodeError:
                continue
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    codec = _codec(best.encoding if best else None) or "utf-8"
    return body.decode(codec, "replace"), codec


# lxml keeps these in the tree it builds, then refuses them the moment a text is set: they
# go before parsing.
NOT_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
    | {"tr", "table", "section", "article", "header", "footer", "figcaption", "pre", "dd", "dt"}
)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: one line per block, whitespace collapsed."""
    if "<" not in fragment:
        return "\n".join(" ".join(line.split()) for line in fragment.splitlines() if line.strip())
    fragment = NOT_XML_CHARS.sub(" ", fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(fragment.split())
    etree.strip_elements(root, "script", "style", "noscript", "template", with_tail=False)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            if el.tag.lower() != "br":
                el.text = "\n" + (el.text or "")
    text = root.text_content()
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
