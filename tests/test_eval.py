"""`newswatch eval`: a hand-made corpus through the real pipeline, the scorer on its own,
and unreadable corpora named by file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app.eval import prf, story_scores
from bot.cli import main

RULES = """
entities:
  lavrov: {name: Sergei Lavrov, kind: person, aliases: [لافروف, Lavrov]}
  oman: {name: Oman, kind: place, aliases: [عمان, سلطنة عمان, Oman]}
  qatar: {name: Qatar, kind: place, aliases: [قطر, Qatar]}
topics:
  talks: {name: Talks, query: 'محادثات OR مباحثات OR talks'}
  shipping: {name: Shipping, query: 'shipping OR ملاحة OR الملاحة'}
"""

PAGE = (
    "<html><head><title>Port upgrade in Doha</title></head><body><article>"
    "<h1>Port upgrade in Doha</h1>"
    "<p>Qatar opened a new container terminal on Monday, adding berths for the largest ships"
    " that call at the Gulf ports this year.</p>"
    "<p>The operator said shipping lines had already booked most of the new capacity for the"
    " coming months, and that rail links would follow.</p></article></body></html>"
)

ARTICLES = [
    {
        "id": "a1",
        "url": "https://one.example/news/1",
        "source": "Example One",
        "lang": "ar",
        "published": "2024-03-02T10:00:00+04:00",
        "title": "لافروف في مسقط",
        "text": "وصل وزير الخارجية لافروف إلى مسقط لإجراء مباحثات مع المسؤولين في سلطنة عمان.\n"
        "اقرأ أيضاً: قطر تفتتح ميناء جديدا\nوتناولت المباحثات أمن الملاحة في الخليج.",
    },
    {
        "id": "a2",
        "url": "https://two.example/a/2",
        "source": "مصدر ثان",
        "lang": "ar",
        "published": "2024-03-02T12:00:00+04:00",
        "title": "وزير الخارجية الروسي لافروف يصل إلى مسقط",
        "text": "وصل وزير الخارجية لافروف إلى مسقط لإجراء مباحثات مع المسؤولين في سلطنة عمان "
        "حول أمن الملاحة في الخليج.",
        "extra_key": "ignored",
    },
    {
        "id": "a3",
        "url": "https://three.example/p/3",
        "source": "Third Wire",
        "published": None,
        "html": PAGE,
    },
]

LABELS = """
stories:
  lavrov-muscat: [a1, a2]
  doha-port: [a3]
mentions:
  a1: [lavrov, oman]
  a2: [lavrov, oman]
  a3: [qatar, oman]
topics:
  a1: [talks, shipping]
  a2: [talks]
  a3: [shipping]
"""


def write_corpus(folder: Path, articles: list[dict[str, object]], labels: str = LABELS) -> Path:
    folder.mkdir(exist_ok=True)
    lines = [json.dumps(a, ensure_ascii=False) for a in articles]
    (folder / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    (folder / "labels.yaml").write_text(labels, encoding="utf-8")
    return folder


def test_eval_runs_the_pipeline_and_reports_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_corpus(tmp_path / "corpus", ARTICLES)
    assert main(["eval", str(folder)]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["articles"] == 3
    # a3's label wrongly adds oman (one FN); a2's label omits shipping (one FP); the related
    # line in a1 ("قطر ...") is cut by cleanup, so qatar is not an FP there.
    assert report["mentions"] == {
        "precision": 1.0, "recall": 0.8333, "f1": 0.9091, "tp": 5, "fp": 0, "fn": 1,
    }  # fmt: skip
    assert report["topics"]["tp"] == 4 and report["topics"]["fp"] == 1
    assert report["topics"]["fn"] == 0
    errors = report["errors"]
    assert {"article": "a3", "kind": "mention_fn", "id": "oman"} in errors
    fp = next(e for e in errors if e["kind"] == "topic_fp")
    assert (fp["article"], fp["id"], fp["span"], fp["field"]) == (
        "a2",
        "shipping",
        "الملاحة",
        "text",
    )
    stories = report["stories"]
    assert stories["expected"] == 2
    assert set(stories) == {
        "pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_f1", "predicted",
        "expected",
    }  # fmt: skip
    assert "mentions" in captured.err and "stories" in captured.err


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (lambda f: (f / "articles.jsonl").write_text('{"id": "a"}\n{oops\n'), "articles.jsonl:1"),
        (
            lambda f: (f / "articles.jsonl").write_text('{"id": "a", "url": "u", "source": "s"}\n'),
            "articles.jsonl:1: one of `text` or `html`",
        ),
        (lambda f: (f / "labels.yaml").write_text("stories:\n  s: [a1, zz]\n"), "labels.yaml:2"),
        (
            lambda f: (f / "labels.yaml").write_text("mentions:\n  a1: [x]\n  nope: [y]\n"),
            "labels.yaml:3: unknown article id 'nope'",
        ),
        (
            lambda f: (f / "rules.yaml").write_text("topics:\n  t: {name: t, query: 'a OR'}\n"),
            "rules.yaml:2:",
        ),
        (lambda f: (f / "labels.yaml").unlink(), "labels.yaml: cannot read"),
    ],
)
def test_unreadable_corpus_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], corrupt: object, message: str
) -> None:
    folder = write_corpus(tmp_path / "corpus", ARTICLES)
    assert callable(corrupt)
    corrupt(folder)
    assert main(["eval", str(folder)]) == 2
    assert message in capsys.readouterr().err


def test_story_scores_perfect_and_split() -> None:
    expected = {"a": "s1", "b": "s1", "c": "s2"}
    assert story_scores(expected, {"a": "1", "b": "1", "c": "2"})["pairwise_f1"] == 1.0
    split = story_scores(expected, {"a": "1", "b": "2", "c": "3"})
    assert split["pairwise_precision"] == 1.0  # no pair predicted
    assert split["pairwise_recall"] == 0.0
    assert split["predicted"] == 3 and split["expected"] == 2
    assert split["bcubed_f1"] == pytest.approx(0.8, abs=1e-4)
    merged = story_scores(expected, {"a": "1", "b": "1", "c": "1"})
    assert merged["pairwise_precision"] == pytest.approx(1 / 3, abs=1e-4)


def test_story_scores_with_only_singletons() -> None:
    s = story_scores({"a": "x", "b": "y"}, {"a": "1", "b": "2"})
    assert (s["pairwise_precision"], s["pairwise_recall"], s["pairwise_f1"]) == (1.0, 1.0, 1.0)


def test_prf() -> None:
    assert prf(0, 0, 0)["f1"] == 1.0
    assert prf(1, 1, 0) == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": 0.6667,
        "tp": 1,
        "fp": 1,
        "fn": 0,
    }


UNDATED = [
    {
        "id": "u1",
        "url": "https://one.example/news/11",
        "source": "Example One",
        "lang": "ar",
        "published": "2024-01-10T09:00:00+04:00",
        "title": "لافروف يصل إلى مسقط لإجراء مباحثات",
        "text": "وصل وزير الخارجية لافروف إلى مسقط اليوم لإجراء مباحثات مع المسؤولين في "
        "سلطنة عمان حول أمن الملاحة في الخليج والتعاون الاقتصادي بين البلدين.",
    },
    {
        "id": "u2",
        "url": "https://three.example/p/12",
        "source": "Third Wire",
        "lang": "ar",
        "published": None,
        "title": "وزير الخارجية لافروف في مسقط لإجراء مباحثات",
        "text": "وصل وزير الخارجية لافروف إلى مسقط اليوم لإجراء مباحثات مع المسؤولين في "
        "سلطنة عمان حول أمن الملاحة في الخليج والتعاون الاقتصادي بين البلدين.",
    },
    {
        "id": "u3",
        "url": "https://two.example/a/13",
        "source": "مصدر ثان",
        "lang": "ar",
        "published": "2024-03-20T12:00:00+04:00",
        "title": "قطر تفتتح محطة حاويات جديدة",
        "text": "افتتحت قطر محطة حاويات جديدة في ميناء الدوحة لاستقبال أكبر السفن التجارية "
        "وتعزيز الملاحة في المنطقة خلال العام الجاري.",
    },
]


def test_an_undated_article_is_grouped_by_when_it_was_fetched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """u2 has no date; a crawler fetched it after u1 (January), not when u3 appeared two
    months later: it joins u1's story as it would live."""
    labels = "stories:\n  muscat: [u1, u2]\n  doha: [u3]\n"
    folder = write_corpus(tmp_path / "corpus", UNDATED, labels)
    assert main(["eval", str(folder)]) == 0
    stories = json.loads(capsys.readouterr().out)["stories"]
    assert stories["pairwise_f1"] == 1.0 and stories["predicted"] == 2


def test_fetch_times_follow_the_crawler() -> None:
    from datetime import UTC, datetime

    from bot.app.eval import fetch_times
    from bot.models import RawItem

    def raw(day: int | None) -> RawItem:
        published = datetime(2024, 1, day, tzinfo=UTC) if day else None
        return RawItem("s", "t", published=published)

    now = datetime(2030, 1, 1, tzinfo=UTC)
    given = datetime(2024, 2, 1, tzinfo=UTC)
    days = [None, 5, None, 9, None]
    times = fetch_times([raw(d) for d in days], [None, None, None, None, given], now)
    assert [t.day if t.month == 1 else t for t in times] == [5, 5, 5, 9, given]
    assert fetch_times([raw(None)], [None], now) == [now]
