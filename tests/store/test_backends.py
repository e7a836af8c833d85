"""Every store method on both engines: a real SQLite file and a real PostgreSQL database.

The same assertions run against both (the `db_target` fixture), so the PostgreSQL store
answers exactly as the SQLite one does: ids, order, time values, counts, idempotence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.commands.sourcebook import SourceProblem, merge, pause, remove, resume
from bot.models import (
    Article,
    Channel,
    Match,
    MatchResult,
    RawItem,
    Source,
    Subscription,
    TextAll,
    TextAny,
    TextQuery,
    WaitingItem,
)
from bot.models import TextTerm as W
from bot.store import Store, open_store
from bot.store.interface import FetchSuccess

T0 = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(db_target: str) -> Iterator[Store]:
    opened = open_store(db_target)
    yield opened
    opened.close()


def _article(
    key: str, source: str = "reed", title: str = "A harbour reopens", minutes: int = 0
) -> Article:
    return Article(
        key=key,
        source_id=source,
        source_name=source.title() + " Gazette",
        url=f"https://{source}.example/{key}",
        title=title,
        text=f"{title}. Notes from the quay.",
        lang="en",
        published=T0 + timedelta(minutes=minutes),
        fetched=T0 + timedelta(minutes=minutes + 1),
    )


def _add(store: Store, article: Article) -> int:
    (aid,) = store.add_articles([(article, article.title.lower(), article.text.lower())])
    assert aid is not None
    return aid


def test_pauses_outlive_resync_and_removed_config_sources_leave_the_lists(store: Store) -> None:
    configured = [
        Source(id="reed", url="https://reed.example/rss"),
        Source(id="moor", url="https://moor.example/rss"),
    ]
    store.sync_sources(configured)
    store.add_sources(
        [Source(id="quay", url="https://quay.example/rss")],
        origin="chat",
        added_by="telegram:7",
        now=T0,
    )
    assert pause(store, "moor", "telegram:7", T0)[1] is True
    assert pause(store, "MOOR", "cli", T0)[1] is False  # ids in any case; already paused
    store.sync_sources([Source(id="reed", url="https://reed.example/rss2"), configured[1]])
    entries = {e.source.id: e for e in store.source_entries()}
    assert (entries["moor"].paused_at, entries["moor"].paused_by) == (T0, "telegram:7")
    assert (entries["quay"].origin, entries["quay"].added_by) == ("chat", "telegram:7")
    assert entries["reed"].source.url == "https://reed.example/rss2" and entries["reed"].runs
    summary = store.status_summary()
    assert summary.sources == 2  # reed and quay run; moor is paused
    assert {r.id: r.paused for r in store.source_report()} == {
        "moor": True,
        "quay": False,
        "reed": False,
    }
    # moor leaves the file: gone from every list, its pause kept should it come back
    store.sync_sources([configured[0]])
    assert [e.source.id for e in store.source_entries()] == ["quay", "reed"]
    assert [h.id for h in store.source_health()] == ["quay", "reed"]
    assert [s.id for s in store.stored_sources()] == ["quay"]
    store.sync_sources(configured)
    back = {e.source.id: e for e in store.source_entries()}["moor"]
    assert back.paused and back.origin == "config"
    assert resume(store, "moor")[1] is True and resume(store, "moor")[1] is False
    # a removed configured source gives way to one added with its address
    store.sync_sources([configured[0]])
    assert store.add_sources([Source(id="moor2", url="https://moor.example/rss")], "cli")
    assert remove(store, "moor2").source.id == "moor2"
    assert [e.source.id for e in store.source_entries()] == ["quay", "reed"]
    with pytest.raises(SourceProblem, match="comes from the configuration file"):
        remove(store, "reed")


def test_fresh_store_is_migrated_and_writable(store: Store) -> None:
    assert store.pending_migrations() == []
    assert store.check_writable() is None
    store.checkpoint()
    assert store.article_count() == 0 and store.latest_article_time() is None


def test_sources_state_due_and_database_only_sources(store: Store) -> None:
    configured = [
        Source(id="reed", url="https://reed.example/rss"),
        Source(id="off", url="https://off.example/rss", enabled=False),
    ]
    store.sync_sources(configured)
    added = store.add_sources(
        [Source(id="quay", url="https://quay.example/rss", full_text=True),
         Source(id="dup", url="https://reed.example/rss")],
        origin="opml",
    )  # fmt: skip
    assert [s.id for s in added] == ["quay"]
    assert [s.id for s in store.stored_sources()] == ["quay"]
    assert store.stored_sources()[0].full_text is True
    active = [e.source for e in merge(configured, store.source_entries())]
    assert [s.id for s in active] == ["reed", "off", "quay"]
    assert [s.id for s in store.due_sources(active, T0)] == ["reed", "quay"]
    store.record_fetch_success("reed", T0, T0 + timedelta(minutes=15), '"e1"', "Tue", 3)
    assert [s.id for s in store.due_sources(active, T0)] == ["quay"]
    assert [s.id for s in store.due_sources(active, T0 + timedelta(minutes=15))] == ["reed", "quay"]
    state = store.source_state("reed")
    assert (state.etag, state.last_success_at, state.articles_total) == ('"e1"', T0, 3)
    assert state.next_check_at == T0 + timedelta(minutes=15)
    assert store.record_fetch_error("quay", T0, T0, "timeout", failing_after=2) == 1
    assert store.record_fetch_error("quay", T0, T0, "timeout", failing_after=2) == 2
    assert store.source_state("quay").failing
    assert store.source_state("nobody").error_count == 0
    assert [s.id for s in store.source_states()] == ["off", "quay", "reed"]
    report = {r.id: r for r in store.source_report()}
    assert set(report) == {"quay", "reed"} and report["quay"].failing
    assert report["reed"].last_success == T0


def test_articles_waiting_for_analysis_come_oldest_first(store: Store) -> None:
    """Published, else fetched: one source's backlog or several sources' items stored in
    one cycle are grouped in the order they happened, whatever order they were stored in."""
    late = _add(store, _article("b1", minutes=30))
    early = _add(store, _article("b2", source="quay", minutes=0))
    undated = _add(store, replace(_article("b3", minutes=10), published=None))  # fetched +11
    same = _add(store, _article("b4", minutes=30))  # stored after `late`, as late
    assert [a.id for a in store.unanalysed_articles()] == [early, undated, late, same]
    assert [a.id for a in store.unanalysed_articles(limit=2)] == [early, undated]


def test_articles_matches_and_the_index_rebuild(store: Store) -> None:
    first = _add(store, _article("a1", minutes=0))
    second = _add(store, _article("a2", source="quay", minutes=5))
    assert store.has_article("a1") and not store.has_article("zz")
    assert [a.id for a in store.articles([second, first])] == [first, second]
    assert store.articles([]) == []
    assert store.article(first) == _article("a1").__class__(
        **{**_article("a1").__dict__, "id": first}
    )
    assert store.latest_article_time() == T0 + timedelta(minutes=5)
    assert [a.id for a in store.unanalysed_articles()] == [first, second]
    assert [a.id for a in store.unanalysed_articles(limit=1)] == [first]
    store.save_matches(
        first, MatchResult((Match("entity", "harbourmaster"),), (Match("topic", "ports"),))
    )
    store.save_matches(
        first, MatchResult((Match("entity", "ferry-co"), Match("entity", "harbourmaster")), ())
    )
    assert [m.id for m in store.matches_for(first).entities] == ["ferry-co", "harbourmaster"]
    assert store.matches_for(first).topics == ()
    rows = list(store.articles_for_index(T0 - timedelta(days=1)))
    assert [(a.id, sid, ids) for a, sid, ids in rows] == [
        (first, None, frozenset({"ferry-co", "harbourmaster"})),
        (second, None, frozenset()),
    ]


def test_stories_grow_close_and_list(store: Store) -> None:
    a1 = _add(store, _article("a1", minutes=0))
    a2 = _add(store, _article("a2", source="quay", title="Harbour reopens after storm", minutes=30))
    sid = store.create_story("A harbour reopens", "lead", T0)
    store.attach_article(sid, a1, T0, ["harbourmaster"], ["ports"])
    store.attach_article(sid, a2, T0 + timedelta(minutes=30), ["ferry-co"], [])
    headlines = store.story_headlines(sid)
    assert [title for title, _ in headlines] == ["A harbour reopens", "Harbour reopens after storm"]
    assert headlines[1][1] == "Harbour reopens after storm. Notes from the quay."
    store.set_story_headline(sid, "Harbour reopens after storm", "The quay is open.")
    story = store.story(sid)
    assert story is not None
    assert (story.title, story.lead) == ("Harbour reopens after storm", "The quay is open.")
    assert story.article_ids == (a1, a2)
    assert store.story_of(a1) == sid and store.story_of(99999) is None
    assert [o.url for o in story.outlets] == ["https://reed.example/a1", "https://quay.example/a2"]
    assert story.entity_ids == ("ferry-co", "harbourmaster") and story.topic_ids == ("ports",)
    assert (story.first_seen, story.last_seen) == (T0, T0 + timedelta(minutes=30))
    assert store.unanalysed_articles() == []
    other = store.create_story("Another", "", T0 + timedelta(hours=2))
    assert [s.id for s in store.stories_since(T0)] == [other, sid]
    store.close_stories([sid])
    assert [s.id for s in store.stories_since(T0, open_only=True)] == [other]
    assert [s.id for s in store.latest_stories("@ferry-co", 5)] == [sid]
    assert [s.id for s in store.latest_stories("ports", 5)] == [sid]
    assert [s.id for s in store.latest_stories(None, 1)] == [other]
    assert store.latest_stories("@nobody", 5) == [] and store.story(99999) is None
    summary = store.status_summary()
    assert (summary.articles, summary.stories, summary.pending_messages) == (2, 2, 0)


def test_search_by_words_prefix_and_tags(store: Store) -> None:
    a1 = _add(store, _article("a1", title="Lighthouse keeper retires", minutes=0))
    a2 = _add(store, _article("a2", title="وزير الدفاع يزور الميناء", minutes=10))
    a3 = _add(store, _article("a3", title="Quiet day", minutes=20))
    store.save_matches(a3, MatchResult((Match("entity", "keeper"),), ()))
    since = T0 - timedelta(days=1)

    def found(query: TextQuery | None, limit: int = 10, offset: int = 0) -> list[int | None]:
        return [a.id for a in store.search_articles(query, since, limit, offset)]

    assert found(W("quay")) == [a3, a2, a1]
    assert found(W("lighthouse")) == [a1]
    assert found(TextAll((W("keeper"), W("retires")))) == [a1]
    assert found(TextAny((W("nothing"), W("الميناء")))) == [a2]
    assert found(W("lightho", prefix=True)) == [a1]
    assert found(W("وزير")) == [a2]
    tagged = store.search_articles(W("retires"), since, 10, 0, tagged=[("entity", "keeper")])
    assert [a.id for a in tagged] == [a3, a1]
    assert found(None, 2, 1) == [a2, a1]
    hostile = ["it's", "a\\b", 'x"y', "NEAR(", "a:b", "-x", "x*", "x&y", "x|y", "!x", "x<->y"]
    for token in hostile:  # literal characters in either dialect, never syntax
        assert found(W(token)) == []
        assert found(TextAll((W(token), W("quay")))) == []


def test_channels_chat_changes_and_moves(store: Store) -> None:
    channel = Channel("desk", "telegram", "-100", (Subscription("desk", "ports"),), mode="both")
    store.sync_channels([channel])
    assert store.channels() == [channel] and store.channel("desk") == channel
    assert store.channel_for("telegram", "-100") == channel
    assert store.subscribe("desk", "ferries", "instant") == "added"
    assert store.subscribe("desk", "ferries", "instant") == "same"
    assert store.subscribe("desk", "ports", "instant") == "changed"
    store.sync_channels([channel])  # the configuration again: chat changes stay
    subs = store.channel("desk").subscriptions  # type: ignore[union-attr]
    assert [(s.target, s.mode) for s in subs] == [("ports", "instant"), ("ferries", "instant")]
    assert store.unsubscribe("desk", "ferries") == 1 and store.unsubscribe("desk", None) == 1
    chat = store.ensure_channel("slack", "C9", "Asia/Tehran")
    assert chat.id == "slack-C9" and store.ensure_channel("slack", "C9", "UTC") == chat
    store.set_schedule("slack-C9", None)
    assert store.channel("slack-C9").mode == "instant"  # type: ignore[union-attr]
    store.set_schedule("slack-C9", "0 7 * * *")  # only the schedule: the mode is not named
    assert store.channel("slack-C9").mode == "instant"  # type: ignore[union-attr]
    assert store.channel("slack-C9").schedule == "0 7 * * *"  # type: ignore[union-attr]
    store.set_schedule("slack-C9", "0 8 * * *", digests_on=True)
    assert store.channel("slack-C9").mode == "both"  # type: ignore[union-attr]
    store.set_language("slack-C9", "ar")
    assert store.channel("slack-C9").language == "ar"  # type: ignore[union-attr]
    assert store.mute("desk", 7) and not store.mute("desk", 7)
    assert store.muted_story_ids("desk") == {7}
    store.enqueue_batch("desk", "b1", "telegram", "-100", [{"text": "x"}], {}, T0)
    store.move_destination("telegram", "-100", "-200", T0)
    store.sync_channels([channel])  # a config that still names the old chat follows the move
    assert store.channel("desk").destination == "-200"  # type: ignore[union-attr]
    assert store.due_messages(T0)[0].destination == "-200"
    store.set_last_digest_at("desk", T0)
    assert store.last_digest_times()["desk"] == T0
    assert store.pause_state("nobody").paused is False
    message = store.due_messages(T0)[0]
    store.mark_failed(message.id, "400 chat not found")
    assert store.message_status(message.id) == ("failed", "400 chat not found")
    assert store.message_status(123456) == ("missing", None)


def test_restart_keeps_chat_settings_the_file_does_not_state(store: Store, tmp_path: Path) -> None:
    """The file wins only for what it states: a schedule and language set in chat stay
    after a restart when the file's channel names neither; a stated one is restored."""
    from bot.config import config_from_text

    text = (
        "channels:\n"
        "  - id: desk\n    platform: telegram\n    destination: '-100'\n"
        "    language: ru\n    subscriptions: [{target: ports}]\n"
    )
    (channel,) = config_from_text(text, "nw.yaml", tmp_path, {}).channels
    store.sync_channels([channel])
    store.set_schedule("desk", "30 6 * * *")
    store.set_language("desk", "ar")
    store.sync_channels([channel])  # the restart
    after = store.channel("desk")
    assert after is not None and after.schedule == "30 6 * * *"
    assert after.language == "ru"  # stated in the file: the file wins


def test_waiting_items_warnings_page_errors_and_known_links(store: Store) -> None:
    store.sync_sources([Source(id="reed", url="https://reed.example/rss")])
    first = RawItem(
        source_id="reed",
        title="Quay works",
        url="https://reed.example/a/1",
        guid="g-1",
        summary="A teaser.",
        text="A teaser.",
        published=T0,
        published_from="feed",
        lang="en",
    )
    second = RawItem(source_id="reed", title="Second", url="https://reed.example/a/2")
    store.replace_waiting("reed", [WaitingItem(first, "k1"), WaitingItem(second, "k2")])
    assert store.waiting_items() == {"reed": [WaitingItem(first, "k1"), WaitingItem(second, "k2")]}
    # k1 tried once more and kept in its place, k2 gone, k3 joins last
    third = RawItem(source_id="reed", title="Third", url="https://reed.example/a/3")
    store.replace_waiting(
        "reed", [WaitingItem(third, "k3"), WaitingItem(first, "k1", 1, "HTTP 503")]
    )
    assert store.waiting_items()["reed"] == [
        WaitingItem(first, "k1", 1, "HTTP 503"),
        WaitingItem(third, "k3"),
    ]
    store.replace_waiting("reed", [])
    assert store.waiting_items() == {}

    store.record_fetch_success(
        "reed", T0, T0, None, None, warning="no article links found", page_errors=("a", "b")
    )
    state = store.source_state("reed")
    assert (state.warning, state.page_error_count, state.last_page_error) == (
        "no article links found",
        2,
        "b",
    )
    assert state.last_page_error_at == T0
    store.record_fetch_success("reed", T0, T0, None, None)
    state = store.source_state("reed")
    assert (state.warning, state.page_error_count, state.last_page_error) == (None, 2, "b")

    _add(store, _article("x1"))
    assert store.known_links("reed", ["https://reed.example/x1", "https://reed.example/x2"]) == {
        "https://reed.example/x1"
    }
    assert store.known_links("other", ["https://reed.example/x1"]) == set()


def test_a_fetch_batch_read_and_recorded_at_once(store: Store) -> None:
    """What a fetch batch reads (its sources' states and waiting items only) and writes (its
    answered polls in one call) is what one source at a time would have read and written."""
    store.sync_sources([Source(id=f"s{n}", url=f"https://s{n}.example/rss") for n in range(4)])
    store.record_fetch_success("s0", T0, T0, '"e0"', None, 2, page_errors=("p0",))
    item = RawItem(source_id="s2", title="Pier notice", url="https://s2.example/a/1")
    store.replace_waiting("s2", [WaitingItem(item, "w1")])
    store.replace_waiting("s3", [WaitingItem(item, "w2")])
    assert [s.id for s in store.source_states(["s2", "s0", "gone"])] == ["s0", "s2"]
    assert store.source_states(["s0"])[0].page_error_count == 1
    assert store.source_states([]) == []
    assert store.waiting_items(["s2", "s1"]) == {"s2": [WaitingItem(item, "w1")]}
    assert set(store.waiting_items()) == {"s2", "s3"}
    later = T0 + timedelta(minutes=30)
    store.record_fetch_successes(
        [
            FetchSuccess("s0", T0, later, '"e1"', "Wed", new_articles=3),
            FetchSuccess("s1", T0, later, None, None, warning="the feed lists no items"),
            FetchSuccess("s2", T0, later, '"e2"', None, page_errors=("a", "b")),
        ]
    )
    store.record_fetch_successes([])
    states = {s.id: s for s in store.source_states()}
    assert (states["s0"].etag, states["s0"].last_modified, states["s0"].articles_total) == (
        '"e1"',
        "Wed",
        5,
    )
    assert states["s0"].page_error_count == 1 and states["s0"].last_page_error == "p0"
    assert states["s1"].warning == "the feed lists no items"
    assert (states["s2"].page_error_count, states["s2"].last_page_error) == (2, "b")
    assert states["s2"].last_page_error_at == T0
    assert all(states[i].next_check_at == later for i in ("s0", "s1", "s2"))
    assert states["s3"].last_success_at is None


def test_fetch_leases_and_the_lead(store: Store) -> None:
    store.sync_sources([Source(id=f"s{n}", url=f"https://s{n}.example/rss") for n in range(4)])
    ids = [f"s{n}" for n in range(4)]
    later = T0 + timedelta(minutes=5)
    assert store.lease_sources("w1", ids[:3], T0, later) == ["s0", "s1", "s2"]
    assert store.lease_sources("w2", ids, T0, later) == ["s3"]  # a live lease is respected
    assert store.lease_sources("w1", ["s0"], T0, later) == ["s0"]  # its own: renewed
    store.release_sources("w1", ["s0"])
    assert store.lease_sources("w2", ["s0", "s1"], T0, later) == ["s0"]
    assert store.lease_sources("w2", ["s1", "s2"], later, later + timedelta(minutes=5)) == [
        "s1",
        "s2",
    ]  # w1's lease expired (a dead worker): taken over
    store.record_fetch_success("s3", T0, T0 + timedelta(hours=1), None, None)
    store.release_sources("w2", ["s3"])
    assert store.lease_sources("w1", ["s3"], T0, later) == []  # not due
    assert store.hold_lead("analyse") and store.hold_lead("analyse")
    a1 = _add(store, _article("a1"))
    empty = store.create_story("left empty by a crash", "", T0)
    kept = store.create_story("kept", "", T0)
    store.attach_article(kept, a1, T0, [], [])
    assert store.drop_empty_stories() == 1
    assert store.story(empty) is None and store.story(kept) is not None


def test_read_only_opening_reads_and_refuses_writes(db_target: str) -> None:
    writer = open_store(db_target)
    first = _add(writer, _article("a1"))
    reader = open_store(db_target, read_only=True)
    try:
        assert reader.article_count() == 1 and reader.story_of(first) is None
        assert reader.pending_migrations() == [] and reader.check_integrity() == []
        assert reader.applied_migrations() == writer.applied_migrations()
        with pytest.raises(Exception, match=r"read-?only"):
            reader.add_article(_article("a2"), "", "")
    finally:
        reader.close()
    assert writer.article_count() == 1
    writer.close()


def test_a_database_only_source_keeps_its_request_options(store: Store) -> None:
    """What `sources add --header/--cookie-env/--proxy/--rate-limit` gives survives the store
    in both dialects (variable names only); a source without any reads back without."""
    gated = Source(
        id="ledger",
        url="https://ledger.example/rss",
        headers=(("X-Ledger-Key", "reader"), ("Accept-Language", "fa")),
        cookie_env="LEDGER_COOKIE",
        proxy="http://relay.example:3128",
        rate_limit=2.5,
    )
    plain = Source(id="plain", url="https://plain.example/rss")
    assert store.add_sources([gated, plain], origin="cli", added_by="cli", now=T0)
    got = {s.id: s for s in store.stored_sources()}
    assert got == {"ledger": gated, "plain": plain}
    entries = {e.source.id: e.source for e in store.source_entries()}
    assert entries["ledger"].proxy_env is None and entries["ledger"] == gated
