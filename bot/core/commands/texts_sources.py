"""The words of the source commands (chat `source …`, CLI `sources add/remove/disable/
enable`, the web page's Pause), in English and Arabic; merged into the commands' catalogues.
The CLI and the web page show the English texts, so each of these says it once for all."""

from __future__ import annotations

SOURCES_EN: dict[str, str] = {
    "what.sources": "sources",
    "source.add_unavailable": "Adding a source is not available here; use `newswatch sources add`.",
    "source.unknown": "No source {ident!r} ({count} known; `sources` lists them).",
    "source.unknown_close": "No source {ident!r}. Did you mean {ids}?",
    "source.disabled_by_file": (
        "{id} is disabled by the configuration file (enabled: false); set enabled: true "
        "there to run it."
    ),
    "source.configured": (
        "{id} comes from the configuration file: remove it there (or pause it, which "
        "lasts until someone resumes it)."
    ),
    "source.bad_url": "{url!r} is not an http(s) address.",
    "source.bad_id": (
        "{id!r} cannot be a source id: letters, digits, '.', '_' and '-', starting with a "
        "letter or digit, at most 64 characters."
    ),
    "source.known_url": "{url} is already a source: {id}.",
    "source.known_id": "There is already a source {id}.",
    "source.not_feed": "{url} is {what}, not a feed. Give the feed's own address.",
    "source.nothing_found": (
        "{url} offers nothing to follow: no feed, news sitemap nor list of article links "
        "({why}). Give a feed's own address."
    ),
    "source.fetch_failed": "{url}: cannot add it, fetching it failed: {error}",
    "source.added": (
        "Added {id}: {kind} at {url} (items listed now: {items}); it is fetched from the "
        "next cycle on."
    ),
    "source.added_empty": (
        "Added {id}: {kind} at {url}, empty right now; it is fetched from the next cycle on."
    ),
    "source.paused": "Paused {id}: not fetched until someone resumes it.",
    "source.paused_same": "{id} was already paused ({by}, {when}).",
    "source.resumed": "Resumed {id}: fetched again from the next cycle.",
    "source.resumed_same": "{id} is not paused.",
    "source.removed": "Removed {id} ({url}); its stored articles stay.",
    "sources.paused": "{name}: paused",
    "sources.disabled": "{name}: disabled in the configuration file",
}

SOURCES_AR: dict[str, str] = {
    "what.sources": "المصادر",
    "source.unknown": "لا يوجد مصدر {ident!r} (المعروف {count}؛ `sources` يعرضها).",
    "source.unknown_close": "لا يوجد مصدر {ident!r}. هل تقصد {ids}؟",
    "source.configured": (
        "{id} من ملف الإعدادات: احذفه هناك (أو أوقفه مؤقتاً، ويبقى موقوفاً حتى يستأنفه أحد)."
    ),
    "source.paused": "أُوقف {id} مؤقتاً: لن يُجلب حتى يستأنفه أحد.",
    "source.resumed": "استؤنف {id}: يُجلب من الدورة التالية.",
    "source.removed": "حُذف {id} ({url})؛ مقالاته المخزنة باقية.",
    "sources.paused": "{name}: موقوف مؤقتاً",
}
