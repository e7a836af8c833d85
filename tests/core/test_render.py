"""Renderers: Telegram HTML validity and splitting, Slack limits, inert hostile text."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.digest import select_digest
from bot.core.render import Labels, render_plain, render_telegram
from bot.core.render_slack import render_slack
from bot.core.textsafe import RLM, utf16_len
from bot.models import Channel, Digest, DigestItem, Outlet, Story, Subscription
from tests.fakes.telegram_html import parse

NOW = datetime(2024, 9, 2, 12, tzinfo=UTC)
BIDI = re.compile("[\u202a-\u202e\u2066\u2067]")  # FSI/PDI are ours; overrides never
HOSTILE = [
    '<b>bold</b> and <a href="javascript:alert(1)">click</a>',
    "<!channel> <!here> <!everyone> @here @channel @everyone <@U123> <#C999|general>",
    "\u202eevil reversed\u202c text \u2066isolate",
    "A" * 10_000,
    "&amp; &lt;b&gt; && < > \"quoted\" 'single' \x00\x07 control",
    "تقرير <b>عاجل</b> عن @here و Shoigu في موسكو",
    "\ud800 lone surrogate",
]


def story(i: int, title: str = "", outlets: int = 3, lead: str = "") -> Story:
    return Story(
        id=i,
        title=title or f"Story number {i}",
        lead=lead or f"Lead of story {i}. Second sentence. Third sentence is dropped.",
        first_seen=NOW - timedelta(minutes=i),
        last_seen=NOW - timedelta(minutes=i),
        article_ids=tuple(range(outlets)),
        outlets=tuple(
            Outlet(f"Outlet {k}", f"https://o{k}.example/news/{i}?a=1&b=2") for k in range(outlets)
        ),
        topic_ids=("drones",),
        entity_ids=("shoigu",),
    )


def digest(stories: list[Story], language: str = "en", tz: str = "UTC") -> Digest:
    return Digest(
        "c",
        NOW,
        tuple(DigestItem(s) for s in stories),
        timezone=tz,
        language=language,  # type: ignore[arg-type]
    )


LABELS = Labels({"drones": "Drones & UAVs"}, {"shoigu": "Sergei Shoigu"})


def ranks(source: str) -> list[int]:
    """Story numbers in a message's HTML source (titles are escaped, so cannot fake one)."""
    parse(source)
    return [int(m) for m in re.findall(r"<b>(\d+)\. ", source)]


def test_200_stories_split_into_valid_messages_in_rank_order() -> None:
    stories = [story(i, outlets=1 + i % 9) for i in range(1, 201)]
    ch = Channel("c", "telegram", "1", (Subscription("c", "drones"),), max_stories=200)
    d = select_digest(stories, ch, {}, set(), {}, NOW)
    messages = render_telegram(d, LABELS)
    assert len(messages) > 1
    seen: list[int] = []
    for m in messages:
        assert utf16_len(m) <= 4096
        seen += ranks(m)
    assert seen == list(range(1, 201))
    titles = [int(t) for m in messages for t in re.findall(r"Story number (\d+)", m)]
    assert titles == [item.story.id for item in d.items]
    assert sorted(titles) == list(range(1, 201))


def test_hostile_text_is_inert_on_telegram() -> None:
    stories = [story(i, title=t, lead=t, outlets=2) for i, t in enumerate(HOSTILE, 1)]
    stories.append(
        Story(99, "x", "", NOW, NOW, (1,), (Outlet("<b>Evil</b>", "javascript:alert(1)"),))
    )
    for m in render_telegram(digest(stories), LABELS):
        parsed = parse(m)
        assert set(parsed.tags) <= {"b", "i", "a"}
        assert all(href.startswith("https://") for href, _ in parsed.links)
        assert not BIDI.search(parsed.text)
        assert "@here" not in parsed.text and "@channel" not in parsed.text
        assert utf16_len(m) <= 4096
    text = "".join(parse(m).text for m in render_telegram(digest(stories), LABELS))
    assert "<b>bold</b>" in text  # shown, not applied
    assert "<b>Evil</b>" in text


def test_hostile_text_is_inert_on_slack() -> None:
    stories = [story(i, title=t, lead=t) for i, t in enumerate(HOSTILE, 1)]
    for message in render_slack(digest(stories), LABELS):
        assert len(message["blocks"]) <= 50
        texts = [message["text"]] + [b["text"]["text"] for b in message["blocks"]]
        for text in texts:
            assert len(text) <= 3000
            assert not re.search(r"<[!@#]", text)
            assert not re.search(r"@(here|channel|everyone)\b", text)
            assert not BIDI.search(text)
            # every remaining < opens one of our links
            assert all(m.startswith("<https://") for m in re.findall(r"<[^>]*>", text))


def test_slack_splits_at_50_blocks() -> None:
    messages = render_slack(digest([story(i) for i in range(1, 121)]), LABELS)
    assert [len(m["blocks"]) for m in messages] == [50, 50, 23]
    numbers = [int(n) for m in messages for n in re.findall(r"\*(\d+)\. ", str(m["blocks"]))]
    assert numbers == list(range(1, 121))


def test_many_outlets_every_one_linked_while_it_fits() -> None:
    (m,) = render_telegram(digest([story(1, outlets=12)]), LABELS)
    parsed = parse(m)
    assert [h for h, _ in parsed.links] == [
        f"https://o{k}.example/news/1?a=1&b=2" for k in range(12)
    ]
    text = parsed.text.replace("\u2068", "").replace("\u2069", "")
    assert "Outlet 0 · Outlet 1 · Outlet 2 · +9 more: Outlet 3, Outlet 4, " in text
    assert [label.replace("\u2068", "").replace("\u2069", "") for _, label in parsed.links] == [
        f"Outlet {k}" for k in range(12)
    ]  # every outlet named and linked, no bare numbers


def test_outlets_past_the_budget_are_still_named_then_counted_in_words() -> None:
    from bot.core.render import outlet_line

    outlets = tuple((f"Outlet {k}", f"https://o{k}.example/{'x' * 40}") for k in range(30))

    def link(label: str, url: str | None) -> str:
        return f'<a href="{url}">{label}</a>'

    line = outlet_line(outlets, link, 1100, "en")
    assert len(line) <= 1100
    plain = line.replace("\u2068", "").replace("\u2069", "")
    assert plain.startswith('<a href="https://o0.example/')
    assert "· +27 more: " in plain
    outside = re.sub(r"<a [^>]*>.*?</a>", "", plain)
    assert re.search(r", Outlet \d+, Outlet \d+", outside)  # past the links: names alone
    assert re.search(r"and \d+ others$", plain)  # only when names stop fitting
    assert not re.search(
        r"(?<![\w+])\d+(?![\w.])(?! others)(?! more)", re.sub(r"<[^>]*>|Outlet \d+", "", plain)
    )


@pytest.mark.parametrize(
    ("language", "heading", "first_seen", "more"),
    [
        ("ar", "موجز", "أول ظهور", "و9 مصادر أخرى:"),
        ("fa", "خلاصه", "نخستین بار", "و 9 رسانه دیگر:"),
    ],
)
def test_persian_and_arabic_channels_are_right_to_left(
    language: str, heading: str, first_seen: str, more: str
) -> None:
    (m,) = render_telegram(digest([story(1, outlets=12)], language=language), LABELS)
    lines = parse(m).text.split("\n")
    assert lines[0].startswith(RLM) and heading in lines[0]
    assert lines[-1].startswith(RLM) and first_seen in lines[-1]
    outlets = lines[-2]
    assert outlets.startswith(RLM) and more in outlets
    plain = render_plain(digest([story(1)], language=language), LABELS)
    assert heading in plain and first_seen in plain


def test_russian_channel_words() -> None:
    (m,) = render_telegram(digest([story(1, outlets=5)], language="ru"), LABELS)
    text = parse(m).text
    assert "Дайджест newswatch — 1 сюжет" in text and "впервые" in text and "ещё 2:" in text


def test_arabic_channel_lines_are_right_to_left() -> None:
    (m,) = render_telegram(digest([story(1)], language="ar", tz="Asia/Tehran"), LABELS)
    lines = parse(m).text.split("\n")
    assert lines[0].startswith(RLM) and "موجز" in lines[0]
    assert "أول ظهور" in lines[-1] and lines[-1].startswith(RLM)
    assert "+0330" in lines[-1]  # first seen in the channel's timezone


def test_plain_text_lists_every_outlet_url() -> None:
    text = render_plain(digest([story(1, outlets=5)]), LABELS)
    assert text.count("https://") == 5
    assert "Drones & UAVs" in text


def test_empty_digest_says_so() -> None:
    assert "No new stories" in render_telegram(digest([]), LABELS)[0]
    assert render_slack(digest([]), LABELS)[0]["text"] == "No new stories."


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=400), min_size=1, max_size=12))
def test_any_text_makes_valid_telegram_html(titles: list[str]) -> None:
    stories = [story(i, title=t, lead=t[::-1]) for i, t in enumerate(titles, 1)]
    out: list[int] = []
    for m in render_telegram(digest(stories), LABELS, limit=1500):
        assert utf16_len(m) <= 1500
        out += ranks(m)
    assert out == list(range(1, len(titles) + 1))


def test_topic_and_entity_names_follow_the_channels_language() -> None:
    from bot.core.render import translations
    from bot.core.rules import parse_rules

    rules = parse_rules(
        [
            (
                "r.yaml",
                "topics:\n  drones: {name: {en: Drones, fa: پهپادها}, query: drone}\n"
                "entities:\n  shoigu: {name: Sergei Shoigu, aliases: [Shoigu]}\n",
            )
        ]
    )
    labels = Labels({"drones": "Drones"}, {"shoigu": "Sergei Shoigu"}, translations(rules))
    persian = render_plain(digest([story(1)], language="fa"), labels)
    english = render_plain(digest([story(1)], language="en"), labels)
    arabic = render_plain(digest([story(1)], language="ar"), labels)
    assert "[پهپادها · Sergei Shoigu]" in persian  # no Persian name for Shoigu: the first
    assert "[Drones · Sergei Shoigu]" in english
    assert "[Drones · Sergei Shoigu]" in arabic  # no Arabic name: the first given
