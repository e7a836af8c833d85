"""Item identity: which key makes "the same article" across polls.

Fallback chain (first that applies wins):

1. GUID: `g:` + hash(source id, GUID, canonical link). GUIDs are only unique within one
   feed, so they are scoped to the source; the canonical link is folded in because some feeds
   reuse one GUID for every item (a CMS default): their items still get distinct keys, while a
   stable GUID + link pair stays stable across polls whatever tracking parameters the link wears.
2. Canonical URL: `u:` + the canonical link itself (readable, and the same article seen by two
   sources gets one key).
3. Content: `h:` + hash(source id, title, text or summary) for items with neither.

The feed parser additionally drops a GUID shared by several items of one feed, so such items
fall to rule 2 or 3 even when they carry no link.
"""

from __future__ import annotations

import hashlib

from bot.core.urls import canonical_url
from bot.models import RawItem


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def item_key(raw: RawItem) -> str:
    url = canonical_url(raw.url) if raw.url and raw.url.strip() else ""
    guid = (raw.guid or "").strip()
    if guid:
        return "g:" + _digest(raw.source_id, guid, url)
    if url:
        return "u:" + url
    body = " ".join((raw.text or raw.summary).split())
    return "h:" + _digest(raw.source_id, " ".join(raw.title.split()), body)
