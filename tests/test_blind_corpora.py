"""Four invented corpora written as an outside check would write them, through `newswatch eval`.

blind-pages: whole HTML pages (menus, cookie notices, related blocks as asides, lists and
paragraph blocks in the middle of the article, tag lines, share bars) in four languages; the
same leader's other events the same day and the next, floods and a condolence call about them.
blind-mixed: feed items and pages, undated items, one outlet's update and its templated price
items on two days, the same minister expelling diplomats the evening of his talks, two road
accidents on one day in two countries, a name spelled without its hamza seat.
blind-feeds: feed items with menus and related lines; one president signing a deal and the same
day condemning a dam, two quakes on one morning in two countries, petrol up and bread down the
same day in one country, a minister resigning over the quake (its place, toll and president).
blind-sameday: one minister in one city on one day: talks with one guest, talks with another
country's minister, a condemnation.

blind2-pages (a second, later check): whole pages with cookie bars, menus, breadcrumbs, inline
related blocks naming the other events, most-read sidebars and JSON-LD dates; a market bombing
(13/14 dead, an outlet's own update at 17, a lead giving context first), its funerals and the
arrest of suspects the next day (follow-ups naming it), a missile test and the sanctions
answering it the next day.
blind2-feeds (same check): feed items with share, tag and read-more lines; one minister's talks,
his condemnation of a shelling the same evening from the same city (and an update on its toll),
his audience for an ambassador the next morning; a dock strike and a teachers' strike on one day
in two countries; a power tariff rise and a rate cut in one country on one day; an undated item.

The story thresholds are the targets of the event-signature issue (pairwise precision 0.95,
recall 0.9); every corpus here now scores 1.0 on both. blind-mixed keeps one mention miss,
المويد for the alias المؤيد (the hamza seat is not folded by normalisation). blind2-feeds split
the Arabic report of the dock strike until "ثلاثة آلاف" (three thousand) was read as 3,000."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bot.app.eval import load_corpus, run_pipeline
from bot.app.evalscore import score
from bot.cli import main

DATA = Path(__file__).parent / "data"
PRECISION, RECALL = 0.95, 0.9


@pytest.mark.parametrize(
    ("folder", "mention_recall", "recall"),
    [
        ("blind-pages", 1.0, RECALL),
        ("blind-mixed", 0.98, RECALL),
        ("blind-feeds", 1.0, RECALL),
        ("blind-sameday", 1.0, RECALL),
        ("blind2-pages", 1.0, RECALL),
        ("blind2-feeds", 1.0, RECALL),
    ],
)
def test_blind_corpus(
    folder: str, mention_recall: float, recall: float, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(DATA / folder)]) == 0
    report = json.loads(capsys.readouterr().out)
    mentions, topics = report["mentions"], report["topics"]
    assert mentions["precision"] == 1.0 and topics["f1"] == 1.0, report["errors"]
    assert mentions["recall"] >= mention_recall, report["errors"]
    stories = report["stories"]
    assert stories["pairwise_precision"] >= PRECISION, report["errors"]
    assert stories["pairwise_recall"] >= recall, report["errors"]
    pairs = report["story_pairs"]
    for name, got in (("same", pairs["same_language"]), ("cross", pairs["cross_language"])):
        if got["tp"] + got["fn"]:
            assert got["pairwise_precision"] >= PRECISION, (name, got, report["errors"])
            assert got["pairwise_recall"] >= recall, (name, got, report["errors"])
    assert pairs["cross_language"]["tp"] > 0


@pytest.mark.parametrize("seed", [3, 4, 5])
@pytest.mark.parametrize("folder", ["blind-pages", "blind-mixed", "blind-feeds", "blind-sameday"])
def test_blind_corpus_in_other_arrival_orders(folder: str, seed: int) -> None:
    """A follow-up that names the event it follows (an expulsion hours after the talks, a
    resignation over the quake, a condolence call about the floods) stays its own story when
    its reports arrive before the event's: these orders joined them before FOLLOW_UP."""
    corpus = load_corpus(DATA / folder)
    random.Random(seed).shuffle(corpus.articles)
    report = score(corpus, run_pipeline(corpus, listed_order=True))
    stories = report["stories"]
    assert stories["pairwise_precision"] >= PRECISION, report["errors"]
    assert stories["pairwise_recall"] >= RECALL, report["errors"]


# blind3 (a third check, written by two helpers who had not seen the rules): feed items and
# whole pages with ferry accidents on one day in two countries, the inquiry into one and a
# tanker's release after its seizure (follow-ups named only in titles), a minister's talks, his
# rejection of a map the same evening and his trip to a summit the next day, an arms deal, two
# interceptions. Before this check: stories F1 0.63 (feeds) and 0.67 (pages, which also lost
# every lead written as a div). Known misses: an Arabic inquiry titled "لجنة تحقيق" (the word
# also means "achieving") joins the sinking; three spellings the rules lack.
# blind4 (a fourth check, the same way): an election result and the next day's rallies against
# it, a verdict and the appeal the same evening, a prisoner swap, a cyberattack, two pipeline
# blasts on one day, a devaluation, a water-cannon clash, an earthquake and a dam failure on one
# day, a hostage release, an arms-export ban and a member's objection, a refinery fire and its
# toll. Before: stories F1 0.70 (feeds) and 0.88 (pages). Known misses: a rally report whose
# first sentence is the election's result (background first) joins the election; a weekly
# review four days later starts its own story (the window); a minister's name written without
# its space (سلطانزاده) is no mention, so his visit's Arabic report stays apart; a water-cannon
# clash "fired" (launch) and "opened fire" (strike) shares no action to join across languages.
# blind5 (a fifth check): two rounds of talks two days apart, two drone strikes on one road on
# consecutive days, a ceasefire and its first violation, an assassination and the funeral, a
# border clash, a withdrawal and an academy opened by one minister on one day, a hijacking and
# the ship's release, an ambassador summoned, two air crashes on one day. Before: stories F1
# 0.59 (feeds: rounds, violation and funeral merged) and 0.75 (pages: six stories split). Known
# misses: reports days later (a weekly analysis, a long read) past the window; undated pages
# dated by their neighbour in the corpus; cross-language pairs with only places and an action
# in common (an air crash told in Russian and Persian).
# blind6 (a sixth check): feed items, Telegram posts and pages mixed: an espionage arrest and
# the expulsion two days later, a checkpoint bombing and a car bomb in another city the same
# day, a minister's forum speech and her bilateral meeting that afternoon, a crossing closed and
# reopened, two sanctions on one day. Before: stories F1 0.59. Known misses: the bilateral joins
# the speech (its report "agreed", a meeting word); a one-line item naming no one stays apart;
# a closure told in two languages shares only places and its action; two adjectives met by
# prefix aliases (велунийской for Велуни*) are false mentions. The bombing's toll updates the
# next day join it since blind9's fix (recall 0.70 -> 0.83).
# blind7 (a seventh check): one president's four events in three days (a delegation, a televised
# address, his army chief's dismissal, a flood visit) and four in his capital the same days (a
# drone attack on the airport, a rally, a court verdict, a fire). Before: stories F1 0.68. Known
# misses: reports sharing only places and an action across languages (the drone attack, the
# rally) do not reach the event score; the wire's own "UPDATE 1" naming the new army chief is a
# newcomer to the first flash; the address's Russian report, which opens by recalling the
# delegation, joins the delegation.
# blind8 (an eighth check, scored before any change: stories F1 0.57): a foreign minister's
# tanker crisis, an ambassador expelled the next day, a no-confidence vote, a ceasefire and a
# prisoner exchange, with a port city's hack, sit-in, blast, funeral and arrests. Fixed: persona
# non grata is an expulsion in four languages (grata, غير مرغوب فيه, عنصر نامطلوب, нон грата),
# an Arabic motion (مذكرة) is no meeting, вотум недоверия is a vote, a channel's sign-off
# naming its account (@name, t.me/name) is a prompt. Known misses: the exchange's title recalls
# the truce and the ceasefire's title names the day the exchange happened, so they join; the
# Russian vote report's title says "resignation" (a follow-up); an undated report of the quake
# takes its neighbour's date, days later; "نور الصباح" as "first light" meets the tanker's name.
# blind9 (a ninth check, scored before any change: stories F1 0.63): two missile tests of one
# state four days apart, two foreign ministers in one capital on one day, a strike, its toll
# updated the next day, the retaliation two days later, a summit's two days, a defence
# minister's deal, troop visit and denial, an inquiry a week later. Fixed: a toll update told
# the next day is the strike's (events.toll_update: the day its lead names is the day it was
# reported), retaliation is a follow-up (retaliat*, انتقامي, تلافی, ответный), "fires" is no
# blaze (it test-fires missiles), Arabic اعتراض is an interception (in Persian a protest).
# Known misses: the two ministers' visits the same day with the same host join; a BREAKING
# flash naming no missile stays apart from the reports that name it; one report of the
# retaliation stays apart; an ambassador named like the defence minister is a false mention.
# blind10 (a tenth check, written last and scored blind: stories F1 0.86, the same as with the
# session's starting code): one warship's seizure of a trawler and its collision three days
# later, a president's state visit and a defence pact signed two days later, a drone attack on
# an oil terminal with its revised toll and a claim of responsibility, a ceasefire proposal and
# its rejection, two protests in one capital on one day, air strikes on the claimants. Nothing
# was changed for it ("sign" would be a meeting word, but "a sign of the times" is none). Known
# misses: the pact's English report (its headline "sign defence pact" names no action word)
# joins the seizure, whose leads recall the president's visit; the Russian post on the air
# strikes joins the oil terminal attack; "the navy" in "naval air base" and another country's
# parliament are false mentions.
@pytest.mark.parametrize(
    ("folder", "mention_precision", "mention_recall", "precision", "recall"),
    [
        ("blind3-feeds", 1.0, 1.0, PRECISION, RECALL),
        ("blind3-pages", 1.0, 0.95, 0.8, 0.95),
        ("blind4-feeds", 1.0, 0.98, 0.65, 0.8),
        ("blind4-pages", 1.0, 1.0, PRECISION, 0.85),
        ("blind5-feeds", 1.0, 0.97, PRECISION, 0.7),
        ("blind5-pages", 1.0, 0.97, PRECISION, 0.75),
        ("blind6-mixed", 0.98, 0.96, 0.7, 0.8),
        ("blind7-mixed", 0.98, 0.98, 0.8, 0.55),
        ("blind8-mixed", 0.99, 1.0, 0.65, 0.85),
        ("blind9-mixed", 0.99, 1.0, 0.85, 0.8),
        ("blind10-mixed", 0.98, 1.0, 0.75, 0.9),
    ],
)
def test_later_blind_checks(
    folder: str, mention_precision: float, mention_recall: float, precision: float, recall: float
) -> None:
    corpus = load_corpus(DATA / folder)
    report = score(corpus, run_pipeline(corpus))
    assert report["mentions"]["precision"] >= mention_precision, report["errors"]
    assert report["topics"]["f1"] == 1.0, report["errors"]
    assert report["mentions"]["recall"] >= mention_recall, report["errors"]
    stories = report["stories"]
    assert stories["pairwise_precision"] >= precision, report["errors"]
    assert stories["pairwise_recall"] >= recall, report["errors"]


@pytest.mark.parametrize(("seed", "recall"), [(0, 1.0), (5, 1.0), (7, 1.0), (9, 0.8)])
def test_a_lead_telling_the_attack_joins_the_reports_telling_the_blast(
    seed: int, recall: float
) -> None:
    """In orders 0, 5 and 7 blind2-pages' report whose lead gives context first ("deadliest
    attack in months") came before the others ("car bomb exploded"): attack and blast are one
    act told two ways (bot.core.eventwords.ALIKE), so it no longer starts a story of its own.
    In order 9 the arrest of the bombing's suspects, told before the bombing, joined it: their
    leads name different days of the week (OTHER_DAY); the context-first report still starts
    its own story in that order (recall 0.8)."""
    corpus = load_corpus(DATA / "blind2-pages")
    random.Random(seed).shuffle(corpus.articles)
    report = score(corpus, run_pipeline(corpus, listed_order=True))
    assert report["stories"]["pairwise_recall"] >= recall, report["errors"]
    assert report["stories"]["pairwise_precision"] == 1.0, report["errors"]


@pytest.mark.parametrize("folder", ["blind2-pages", "blind-sameday"])
def test_eval_replays_a_corpus_by_fetch_time_whatever_order_it_lists(folder: str) -> None:
    """A corpus listed story by story, or newest first, is scored as the crawler would have
    met it: the same stories as in the order of its dates."""
    corpus = load_corpus(DATA / folder)
    dated = score(corpus, run_pipeline(corpus))["stories"]
    corpus.articles.reverse()
    reversed_report = score(corpus, run_pipeline(corpus))
    assert reversed_report["stories"] == dated, reversed_report["errors"]
    assert dated["pairwise_precision"] == 1.0
