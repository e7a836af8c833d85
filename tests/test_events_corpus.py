"""The invented "one event" corpus (tests/data/events) through `newswatch eval`: hard
negatives (one minister doing different things on the same and the next day, two earthquakes
on one morning, prices moving both ways) and the same events told in two to four languages.

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

CORPUS = Path(__file__).parent / "data" / "events"
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


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_events_corpus_in_other_arrival_orders(seed: int) -> None:
    """A story's members must agree with the story, whichever of them came first."""
    corpus = load_corpus(CORPUS)
    random.Random(seed).shuffle(corpus.articles)
    stories = score(corpus, run_pipeline(corpus))["stories"]
    assert stories["pairwise_precision"] >= PRECISION, stories
    assert stories["pairwise_recall"] >= RECALL, stories
