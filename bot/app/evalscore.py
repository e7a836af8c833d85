"""Scores for `newswatch eval`: micro-averaged mentions and topics, pairwise and B-cubed story
scores, and the list of every error, each false positive with the span that matched."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from bot.models import MatchResult

if TYPE_CHECKING:
    from bot.app.eval import Corpus, Predicted


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def story_scores(
    expected: Mapping[str, str], predicted: Mapping[str, str]
) -> dict[str, float | int]:
    """Pairwise precision/recall/F1 and B-cubed F1 of a clustering (article → cluster)."""
    ids = sorted(expected)
    tp = fp = fn = 0
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            same_p, same_e = predicted[a] == predicted[b], expected[a] == expected[b]
            tp += same_p and same_e
            fp += same_p and not same_e
            fn += same_e and not same_p
    pair = prf(tp, fp, fn)
    bp = br = 0.0
    for a in ids:
        pc = {x for x in ids if predicted[x] == predicted[a]}
        ec = {x for x in ids if expected[x] == expected[a]}
        bp += len(pc & ec) / len(pc)
        br += len(pc & ec) / len(ec)
    bp, br = bp / len(ids), br / len(ids)
    return {
        "pairwise_precision": pair["precision"],
        "pairwise_recall": pair["recall"],
        "pairwise_f1": pair["f1"],
        "bcubed_f1": round(2 * bp * br / (bp + br), 4) if bp + br else 0.0,
        "predicted": len(set(predicted.values())),
        "expected": len(set(expected.values())),
    }


def pair_scores(
    expected: Mapping[str, str], predicted: Mapping[str, str], langs: Mapping[str, str]
) -> dict[str, Any]:
    """Pairwise story scores over the pairs of one language and over the pairs of two:
    joining across languages is the harder half and must not hide behind the easier one."""
    ids = sorted(expected)
    counts: dict[str, list[int]] = {}
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            la, lb = langs.get(a, "?"), langs.get(b, "?")
            keys = ("same_language", f"language:{la}") if la == lb else ("cross_language",)
            same_p, same_e = predicted[a] == predicted[b], expected[a] == expected[b]
            for key in keys:
                c = counts.setdefault(key, [0, 0, 0])
                c[0] += same_p and same_e
                c[1] += same_p and not same_e
                c[2] += same_e and not same_p

    def pair(key: str) -> dict[str, float | int]:
        tp, fp, fn = counts.get(key, [0, 0, 0])
        s = prf(tp, fp, fn)
        return {
            "pairwise_precision": s["precision"],
            "pairwise_recall": s["recall"],
            "pairwise_f1": s["f1"],
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }

    return {
        "same_language": pair("same_language"),
        "cross_language": pair("cross_language"),
        "by_language": {
            k.split(":", 1)[1]: pair(k) for k in sorted(counts) if k.startswith("language:")
        },
    }


def _span(result: MatchResult, kind: str, rid: str) -> dict[str, Any]:
    matches = result.entities if kind == "mention" else result.topics
    for m in matches:
        if m.id == rid and m.evidence:
            e = m.evidence[0]
            return {
                "span": e.surface,
                "field": e.field,
                "start": e.start,
                "end": e.end,
                "term": e.term,
            }
    return {}


def score(corpus: Corpus, predicted: Mapping[str, Predicted]) -> dict[str, Any]:
    errors: list[dict[str, Any]] = []
    counts = {"mention": [0, 0, 0], "topic": [0, 0, 0]}
    for article in corpus.articles:
        got = predicted[article.id].result
        for kind, want, have in (
            ("mention", corpus.mentions.get(article.id, set()), set(got.entity_ids)),
            ("topic", corpus.topics.get(article.id, set()), set(got.topic_ids)),
        ):
            c = counts[kind]
            c[0] += len(want & have)
            for rid in sorted(have - want):
                c[1] += 1
                errors.append(
                    {
                        "article": article.id,
                        "kind": f"{kind}_fp",
                        "id": rid,
                        **_span(got, kind, rid),
                    }
                )
            for rid in sorted(want - have):
                c[2] += 1
                errors.append({"article": article.id, "kind": f"{kind}_fn", "id": rid})
    expected = {a: name for name, members in corpus.stories.items() for a in members}
    grouped = {a: p.story for a, p in predicted.items()}
    stories = story_scores(expected, grouped)
    langs = {a.id: a.lang or "?" for a in corpus.articles}
    for name, members in sorted(corpus.stories.items()):
        split = sorted({predicted[a].story for a in members})
        if len(split) > 1:
            errors.append({"kind": "story_split", "story": name, "articles": members})
    for story in sorted({p.story for p in predicted.values()}):
        members = sorted(a for a, p in predicted.items() if p.story == story)
        labels = sorted({expected[a] for a in members})
        if len(labels) > 1:
            errors.append({"kind": "story_merge", "articles": members, "stories": labels})
    return {
        "articles": len(corpus.articles),
        "mentions": prf(*counts["mention"]),
        "topics": prf(*counts["topic"]),
        "stories": stories,
        "story_pairs": pair_scores(expected, grouped, langs),
        "errors": errors,
    }


def table(report: Mapping[str, Any]) -> Iterable[str]:
    """A readable summary of the report, for standard error."""
    yield f"articles: {report['articles']}"
    yield f"{'':10} {'precision':>9} {'recall':>7} {'f1':>7} {'tp':>4} {'fp':>4} {'fn':>4}"
    for key in ("mentions", "topics"):
        s = report[key]
        yield (
            f"{key:10} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>7.3f}"
            f" {s['tp']:>4} {s['fp']:>4} {s['fn']:>4}"
        )
    st = report["stories"]
    yield (
        f"{'stories':10} {st['pairwise_precision']:>9.3f} {st['pairwise_recall']:>7.3f}"
        f" {st['pairwise_f1']:>7.3f}  b-cubed f1 {st['bcubed_f1']:.3f},"
        f" predicted {st['predicted']}, expected {st['expected']}"
    )
    pairs = report.get("story_pairs", {})
    rows = [("same-lang", pairs.get("same_language")), ("cross-lang", pairs.get("cross_language"))]
    rows += [(f"  {k}", v) for k, v in pairs.get("by_language", {}).items()]
    for name, s in rows:
        if s:
            yield (
                f"{name:10} {s['pairwise_precision']:>9.3f} {s['pairwise_recall']:>7.3f}"
                f" {s['pairwise_f1']:>7.3f} {s['tp']:>4} {s['fp']:>4} {s['fn']:>4}  (pairs)"
            )
    for e in report["errors"]:
        detail = (
            f" {e['span']!r} ({e['field']} {e['start']}-{e['end']}, term {e['term']!r})"
            if "span" in e
            else ""
        )
        who = e.get("article") or ", ".join(e.get("articles", []))
        what = e.get("id") or e.get("story") or e.get("stories")
        yield f"  {e['kind']:<12} {who}: {what}{detail}"
