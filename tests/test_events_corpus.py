"""The invented "one event" corpora through `newswatch eval`: hard negatives (one minister doing
different things on the same and the next day, two earthquakes on one morning, prices moving
both ways, a strike on the city of yesterday's talks) and the same events told in two to four
languages. tests/data/events set the rules; tests/data/events2 was written after them.

Pairwise precision and recall are held in each language and across languages apart, so the
easier same-language pairs cannot hide a cross-language failure (or the other way round)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bot.app.eval import load_corpus, run_pipeline
from bot.app.evalscore import score
from bot.cli import main

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "events"
PRECISION, RECALL = 0.95, 0.9


def test_events_corpus_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(CORPUS)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["mentions"]["f1"] == 1.0 and report["topics"]["f1"] == 1.0
    pairs = report["story_pairs"]
    assert set(pairs["by_language"]) == {"ar", "en", "fa", "ru"}
    groups = {"cross": pairs["cross_language"], **pairs["by_language"]}
    for name, got in groups.items():
        assert got["tp"] > 0, f"{name}: the corpus must hold positive pairs"
        assert got["pairwise_precision"] >= PRECISION, (name, got, report["errors"])
        assert got["pairwise_recall"] >= RECALL, (name, got, report["errors"])


def test_second_corpus_written_after_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(DATA / "events2")]) == 0
    report = json.loads(capsys.readouterr().out)
    cross = report["story_pairs"]["cross_language"]
    assert cross["tp"] > 0
    assert cross["pairwise_precision"] >= PRECISION and cross["pairwise_recall"] >= RECALL
    stories = report["stories"]
    assert stories["pairwise_precision"] >= PRECISION, report["errors"]
    assert stories["pairwise_recall"] >= RECALL, report["errors"]


@pytest.mark.parametrize(("folder", "seed"), [("events", 1), ("events", 2), ("events2", 3)])
def test_events_corpus_in_other_arrival_orders(folder: str, seed: int) -> None:
    """A story's members must agree with the story, whichever of them came first."""
    corpus = load_corpus(DATA / folder)
    random.Random(seed).shuffle(corpus.articles)
    stories = score(corpus, run_pipeline(corpus, listed_order=True))["stories"]
    assert stories["pairwise_precision"] >= PRECISION, stories
    assert stories["pairwise_recall"] >= RECALL, stories
