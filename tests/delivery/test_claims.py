"""Outbox claims owned by their process, in a real SQLite file and a real PostgreSQL
database (bot.app.claims): a stop releases only the stopping process's claims, a start or a
heartbeat recovers only the claims of processes that are gone (liveness row expired, or no
liveness record and claimed long ago), each once; and the fair share of channel leases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app.claims import OWNER_TTL, ClaimOwner
from bot.store import Store
from bot.store.base import utcnow
from bot.store.postgres import PostgresStore
from tests.pgcluster import Cluster
from tests.roles.procs import wait_until

NOW = datetime(2024, 9, 2, 8, tzinfo=UTC)
TTL = timedelta(seconds=30)
STALE = timedelta(minutes=15)


def status(s: Store, message_id: int) -> tuple[str, int]:
    m = next(m for m in s.outbox_messages() if m.id == message_id)
    return m.status, m.uncertain


def test_a_stop_or_start_leaves_a_live_process_claims_alone(s: Store) -> None:
    s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "c1"}], {}, NOW)
    s.enqueue_batch("d", "b2", "slack", "C1", [{"text": "d1"}], {}, NOW)
    c1, d1 = s.due_messages(NOW)
    assert not s.renew_owner("a", "all", NOW, NOW + TTL)  # first call: was not alive
    assert not s.renew_owner("b", "deliver", NOW, NOW + TTL)
    assert s.claim_message(c1.id, NOW, "a", leased=False)  # the daemon: no lease needed
    assert not s.claim_message(d1.id, NOW, "b")  # a deliverer claims under its lease only
    assert s.lease_channels("b", NOW, NOW + TTL) == ["c", "d"]
    assert status(s, c1.id) == ("sending", 0)  # a lease taken leaves the daemon's send alone
    assert s.claim_message(d1.id, NOW, "b")
    # a third process starts: both owners are alive, nothing of theirs is touched
    assert s.recover_claims("n", NOW + timedelta(seconds=5), NOW - STALE) == 0
    # "a" stops: only its own claim counts an uncertain send
    assert s.release_claims(owner="a") == 1
    s.forget_owner("a")
    assert status(s, c1.id) == ("pending", 1) and status(s, d1.id) == ("sending", 0)
    assert s.live_owners(NOW, role="deliver") == ["b"] and s.live_owners(NOW) == ["b"]
    assert s.renew_owner("b", "deliver", NOW + TTL / 2, NOW + TTL * 2)  # alive: True
    assert s.recover_claims("n", NOW + TTL, NOW + TTL - STALE) == 0  # b renewed in time
    assert status(s, d1.id) == ("sending", 0)


def test_a_dead_process_claim_is_recovered_once_after_its_liveness_ends(s: Store) -> None:
    s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "c1"}, {"text": "c2"}], {}, NOW)
    c1, _ = s.due_messages(NOW)
    s.renew_owner("dead", "deliver", NOW, NOW + TTL)
    assert s.claim_message(c1.id, NOW, "dead", leased=False)
    s.renew_owner("live", "deliver", NOW, NOW + TTL * 4)
    before = NOW + TTL - timedelta(seconds=1)
    assert s.recover_claims("live", before, before - STALE) == 0  # not expired yet
    assert status(s, c1.id) == ("sending", 0)
    after = NOW + TTL
    assert s.recover_claims("live", after, after - STALE) == 1
    assert status(s, c1.id) == ("pending", 1)  # sent once more, as a possible repeat
    assert s.live_owners(after) == ["live"]  # the expired row went with its claims
    assert s.recover_claims("other", after, after - STALE) == 0  # once only
    # the dead process's name is never alive again; the resend's own claim is the live one's
    assert s.claim_message(c1.id, after, "live", leased=False)
    assert s.recover_claims("other", after + TTL, after + TTL - STALE) == 0
    assert status(s, c1.id) == ("sending", 1)


def test_a_claim_without_liveness_record_waits_for_the_generous_bound(s: Store) -> None:
    s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "c1"}], {}, NOW)
    s.enqueue_batch("d", "b2", "slack", "C1", [{"text": "d1"}], {}, NOW)
    c1, d1 = s.due_messages(NOW)
    assert s.claim_message(c1.id, NOW)  # `newswatch digest`: no owner
    assert s.claim_message(d1.id, NOW, "old-version", leased=False)  # never registered
    soon = NOW + timedelta(minutes=5)
    assert s.recover_claims("me", soon, soon - STALE) == 0
    late = NOW + STALE + timedelta(seconds=1)
    assert s.recover_claims("me", late, late - STALE) == 2
    assert status(s, c1.id) == ("pending", 1) and status(s, d1.id) == ("pending", 1)


def test_own_claims_are_never_recovered_by_their_owner(s: Store) -> None:
    s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "c1"}], {}, NOW)
    (c1,) = s.due_messages(NOW)
    s.renew_owner("me", "all", NOW, NOW + TTL)
    assert s.claim_message(c1.id, NOW, "me", leased=False)
    late = NOW + STALE * 2  # even with its row long expired (a stalled process)
    assert s.recover_claims("me", late, late - STALE) == 0
    assert not s.renew_owner("me", "all", late, late + TTL)  # it learns it was taken for gone


def test_fair_share_leases_keep_own_first_and_let_go_of_the_rest(s: Store) -> None:
    for n, cid in enumerate(["c", "d"]):
        platform = "telegram" if cid == "c" else "slack"
        s.enqueue_batch(cid, f"b{n}", platform, str(n), [{"text": f"{cid}1"}], {}, NOW)
    assert s.waiting_channels() == 2
    assert s.lease_channels("w1", NOW, NOW + TTL) == ["c", "d"]  # alone: both
    # a second deliverer arrives: w1's share is one; it keeps its oldest and lets go of d
    assert s.lease_channels("w1", NOW, NOW + TTL, limit=1) == ["c"]
    assert s.release_channel_leases("w1", keep=["c"]) == 1
    assert s.channel_leases(NOW) == {"c": "w1"}
    assert s.lease_channels("w2", NOW, NOW + TTL, limit=1) == ["d"]
    assert s.channel_leases(NOW) == {"c": "w1", "d": "w2"}
    s.pause_channel("d", "bot removed", NOW)
    assert s.waiting_channels() == 1
    assert s.release_channel_leases("w2") == 1 and s.channel_leases(NOW) == {"c": "w1"}


def test_a_lease_taken_over_recovers_only_the_claims_of_the_gone(s: Store) -> None:
    s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "c1"}], {}, NOW)
    s.enqueue_batch("d", "b2", "slack", "C1", [{"text": "d1"}], {}, NOW)
    c1, d1 = s.due_messages(NOW)
    s.renew_owner("busy", "deliver", NOW, NOW + TTL * 10)  # alive, its loop held up
    s.renew_owner("dead", "deliver", NOW, NOW + TTL)
    assert s.lease_channels("busy", NOW, NOW + TTL, limit=1) == ["c"]
    assert s.lease_channels("dead", NOW, NOW + TTL, limit=1) == ["d"]
    assert s.claim_message(c1.id, NOW, "busy") and s.claim_message(d1.id, NOW, "dead")
    later = NOW + TTL  # both leases expired; only "dead" stopped renewing its liveness
    assert s.lease_channels("new", later, later + TTL) == ["c", "d"]
    assert status(s, c1.id) == ("sending", 0)  # busy's send finishes; c waits for it
    assert status(s, d1.id) == ("pending", 1)  # dead's: sent once more as a possible repeat


def test_a_thread_keeps_a_postgresql_owner_alive_without_its_event_loop(
    pg_cluster: Cluster, pg_url: str
) -> None:
    store = PostgresStore(pg_url, password=pg_cluster.password)
    owner = ClaimOwner(store, "deliver")
    started = utcnow()
    owner.start(started)  # alive until started + OWNER_TTL, then renewed by its thread only
    beyond = started + timedelta(seconds=OWNER_TTL + 1)
    try:
        # no event loop runs here, nothing calls beat(): the renewal is the thread's
        wait_until("a renewal", lambda: owner.name in store.live_owners(beyond), 120, [])
    finally:
        owner.stop()
    assert store.live_owners(started) == []  # a clean stop removes the row
    store.close()
