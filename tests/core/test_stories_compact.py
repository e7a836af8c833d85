"""The story index's compact storage and quick rejections give the answers of the plain ones.

The window keeps entity ids in one flat array, term document frequencies in an array by term
id, posting lists cut to their newest `postings_cap` entries (the most a reader asks for), and
a candidate with unlike words and nothing shared is turned down before the event is weighed.
A plain model of the table, and an index with uncut posting lists and no quick rejection,
must give the same answers on a mixed stream in four languages, through expiry and sweeps.
"""

from __future__ import annotations

import random
from array import array
from datetime import UTC, datetime, timedelta
from math import log

from bot.core.doctable import DocTable
from bot.core.events import STRONG
from bot.core.eventwords import FAMILIES
from bot.core.stories import Assignment, GroupingParams, StoryDoc, StoryIndex

ALPHABETS = {
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "fa": "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی",
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ru": "абвгдежзийклмнопрстуфхцчшщыэюя",
}
START = datetime(2025, 3, 1, tzinfo=UTC)


def test_doc_table_answers_as_plain_lists() -> None:
    """Appends, expiry, trims and sweeps: each live slot's entities, every posting list's
    newest entries and the document frequencies are those plain lists and counts give."""
    rng = random.Random(2)
    keep = 5
    table = DocTable(4, keep=keep)
    posted: dict[str, dict[int, list[int]]] = {"t": {}, "e": {}, "n": {}}
    ents: dict[int, tuple[int, ...]] = {}
    terms_of: dict[int, list[int]] = {}
    live: set[int] = set()
    for step in range(1500):
        if rng.random() < 0.7 or not live:
            terms = rng.sample(range(1, 40), rng.randint(0, 4))
            entities = tuple(rng.sample(range(1, 12), rng.randint(0, 5)))
            numbers = [rng.randrange(1, 30) | (STRONG if rng.random() < 0.5 else 0)]
            weights = [0.5] * len(terms)
            n = table.next  # the article's id and its story's: its sequence number
            seq = table.append(n, n, 0.0, 0, 0, terms, weights, b"", entities, 0, 0, 0, numbers)
            strong = [x for x in numbers if x & STRONG]
            for key, values in (("t", terms), ("e", entities), ("n", strong)):
                for v in values:
                    posted[key].setdefault(v, []).append(seq)
            ents[seq], terms_of[seq] = entities, terms
            live.add(seq)
        else:
            # expire the oldest live articles now and then, sometimes a later one
            seq = min(live) if rng.random() < 0.8 else rng.choice(sorted(live))
            assert table.kill(seq) == seq
            live.discard(seq)
            if rng.random() < 0.3:
                table.trim(min_run=rng.choice([1, 4, 1024]))
            if rng.random() < 0.05:  # lists with no live article left are dropped
                table.sweep()
                for key, lists in posted.items():
                    posted[key] = {v: ss for v, ss in lists.items() if live.intersection(ss)}
        if step % 3:
            continue
        for seq in rng.sample(sorted(live), min(3, len(live))):
            assert tuple(table.entities(table.slot(seq))) == ents[seq]
        for key, postings in (
            ("t", table.term_postings),
            ("e", table.entity_postings),
            ("n", table.number_postings),
        ):
            for v, plain in posted[key].items():
                kept = [s for s in plain if s >= table.base]
                cap = rng.randint(1, keep)
                assert list(table.tail(postings, v, cap)) == kept[-cap:], (key, v)
        for t in range(1, 40):
            expected = sum(t in terms_of[s] for s in live)
            assert (table.term_df[t] if t < len(table.term_df) else 0) == expected
            assert (table.term_log[t] if t < len(table.term_log) else 0.0) == log(1 + expected)
        assert table.live_terms() == {t for s in live for t in terms_of[s]}
        counts = {e: sum(e in ents[s] for s in live) for e in range(1, 12)}
        assert table.entity_df == {e: n for e, n in counts.items() if n}
    assert max(len(lst) for lst in table.term_postings.values()) <= 2 * keep


def _words(rng: random.Random, lang: str) -> list[str]:
    abc = ALPHABETS[lang]
    return ["".join(rng.choices(abc, k=rng.randint(3, 8))) for _ in range(300)]


def _stream(seed: int, count: int) -> list[StoryDoc]:
    """Invented events told by several outlets in four languages: wire copies, rewrites,
    retellings in another language with the same actors and figures, the same actors doing
    something else, and unrelated items."""
    rng = random.Random(seed)
    vocab = {lang: _words(rng, lang) for lang in ALPHABETS}
    langs = list(ALPHABETS)
    docs: list[StoryDoc] = []
    events: list[tuple[str, str, list[str], frozenset[str], str]] = []
    for n in range(count):
        hours = n * 0.2 + rng.random()
        if events and rng.random() < 0.6:
            family, lang0, words, ents, figures = rng.choice(events)
            lang = rng.choice(langs)
            if lang == lang0 and rng.random() < 0.5:  # a copy or a rewrite
                body = words if rng.random() < 0.5 else rng.sample(words, len(words) * 2 // 3)
            else:
                body = rng.choices(vocab[lang], k=60)
            if rng.random() < 0.2:  # the same actors, another action
                family = rng.choice(list(FAMILIES))
        else:
            family, lang = rng.choice(list(FAMILIES)), rng.choice(langs)
            body = rng.choices(vocab[lang], k=60)
            ents = frozenset(f"e{rng.randrange(25)}" for _ in range(rng.randint(0, 4)))
            figures = f"{rng.randint(32, 990)} {rng.randint(2, 20)}.{rng.randint(1, 9)}"
            events.append((family, lang, body, ents, figures))
        action = rng.choice(FAMILIES[family][lang].split()).rstrip("*")
        text = " ".join(body[:20]) + f" {figures} " + " ".join(body[20:])
        docs.append(
            StoryDoc(
                article_id=n + 1,
                source_id=f"outlet{rng.randrange(6)}",
                lang=lang,
                title=f"{action} {' '.join(rng.sample(body, 5))}",
                text=text,
                seen_at=START + timedelta(hours=hours),
                entity_ids=ents,
                url=f"https://outlet.example/{n}",
                places=frozenset(e for e in ents if e in {"e0", "e1", "e2", "e3"}),
                lead_entities=frozenset(sorted(ents)[:2]) if rng.random() < 0.5 else None,
            )
        )
    return docs


def test_mixed_stream_groups_as_the_plain_path() -> None:
    """Small caps, so posting lists are cut often; expiry and sweeps on the way."""
    params = GroupingParams(
        window_hours=30, postings_cap=6, candidates=5, query_terms=4, top_terms=12
    )
    fast, plain = StoryIndex(params), StoryIndex(params, quick=False)
    got: list[tuple[Assignment, Assignment]] = []
    for doc in _stream(seed=5, count=700):
        a, b = fast.assign(doc), plain.assign(doc)
        got.append((a, b))
        story = a.story_id if a.story_id is not None else doc.article_id
        fast.add(doc, story)
        plain.add(doc, story)
        if doc.article_id % 50 == 0:
            assert fast.expire(doc.seen_at) == plain.expire(doc.seen_at)
            fast._sweep()
            plain._sweep()
    assert [a for a, _ in got] == [b for _, b in got]
    levels = {a.level for a, _ in got}
    assert {"same-text", "same-language", "cross-language"} <= levels, levels
    assert sum(a.story_id is not None for a, _ in got) > 200
    assert max(len(lst) for lst in fast.table.term_postings.values()) <= 2 * 6
    assert isinstance(fast.table.entity_ids, array)
