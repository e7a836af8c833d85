"""The outbox's order and once-only rules in a real SQLite file and a real PostgreSQL
database: claims in channel order, uncertain attempts (resent once, then held for a person),
and the per-channel leases of several deliver processes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import Store

NOW = datetime(2024, 9, 2, 8, tzinfo=UTC)
LATER = NOW + timedelta(seconds=30)


def texts(s: Store, now: datetime = NOW) -> list[str]:
    return [str(m.payload["text"]) for m in s.due_messages(now)]


def test_a_waiting_or_flying_message_holds_back_its_channel_only(s: Store) -> None:
    s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "c1"}, {"text": "c2"}], {}, NOW)
    s.enqueue_batch("d", "b2", "slack", "C1", [{"text": "d1"}], {}, NOW)
    s.enqueue_batch("c", "b3", "telegram", "100", [{"text": "c3"}], {}, NOW)
    c1, c2, _, c3 = s.due_messages(NOW)
    assert not s.claim_message(c2.id, NOW)  # c1 is not finished: c2 may not be claimed
    assert s.claim_message(c1.id, NOW)
    assert texts(s) == ["d1"]  # c1 in flight: nothing else of channel c is due
    s.mark_retry(c1.id, "500", LATER)
    assert texts(s) == ["d1"] and not s.claim_message(c3.id, NOW)
    assert texts(s, LATER) == ["c1", "c2", "d1", "c3"]
    assert s.claim_message(c1.id, LATER)
    s.mark_failed(c1.id, "refused")  # failed for good: the next one may go
    assert s.claim_message(c2.id, LATER)
    s.mark_sent(c2.id, "100:2", LATER)
    assert s.claim_message(c3.id, LATER)


def test_uncertain_sends_are_resent_once_then_held(s: Store) -> None:
    s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "c1"}, {"text": "c2"}], {}, NOW)
    c1, c2 = s.due_messages(NOW)
    assert s.claim_message(c1.id, NOW)
    assert s.mark_uncertain(c1.id, "no answer", NOW) == "pending"  # resent once
    assert s.claim_message(c1.id, NOW)
    assert s.release_claims() == 1  # the process stopped with it in flight: second time
    assert s.message_status(c1.id)[0] == "uncertain"
    (held,) = s.held_messages()
    assert held.id == c1.id and held.uncertain == 2 and s.held_messages("d") == []
    assert texts(s) == ["c2"]  # held apart: the channel goes on
    assert s.claim_message(c2.id, NOW)
    s.mark_sent(c2.id, "100:2", NOW)
    assert s.release_held(c1.id, send=True) and not s.release_held(c1.id, send=True)
    assert texts(s) == ["c1"]  # a person let it go once more
    assert s.claim_message(c1.id, NOW)
    assert s.mark_uncertain(c1.id, "no answer", NOW) == "uncertain"
    assert s.release_held(c1.id, send=False)
    assert s.message_status(c1.id) == ("failed", "held; dropped by hand")
    assert s.outbox_counts() == {"sent": 1, "failed": 1}


def test_a_channel_lease_serves_one_owner_until_it_expires(s: Store) -> None:
    s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "c1"}, {"text": "c2"}], {}, NOW)
    s.enqueue_batch("d", "b2", "slack", "C1", [{"text": "d1"}], {}, NOW)
    c1, c2, _ = s.due_messages(NOW)
    s.renew_owner("w1", "deliver", NOW, LATER)  # w1's liveness ends with its lease
    assert s.lease_channels("w1", NOW, LATER, limit=1) == ["c"]
    assert s.lease_channels("w2", NOW, LATER) == ["d"]  # c is w1's
    assert s.lease_channels("w1", NOW, LATER) == ["c"]  # its own again; d is w2's
    assert s.channel_leases(NOW) == {"c": "w1", "d": "w2"} and s.channel_leases(LATER) == {}
    assert not s.claim_message(c1.id, NOW, owner="w2")
    assert s.claim_message(c1.id, NOW, owner="w1")  # w1 dies with c1 in flight
    assert s.renew_channel_leases("w2", LATER + timedelta(minutes=1)) == 1
    assert s.lease_channels("w2", NOW, LATER) == ["d"]  # c's lease has not expired yet
    assert s.lease_channels("w2", LATER, LATER + timedelta(minutes=1)) == ["d", "c"]  # own first
    m = next(m for m in s.outbox_messages() if m.id == c1.id)
    assert m.status == "pending" and m.uncertain == 1  # taken over: c1 may have arrived
    assert not s.claim_message(c1.id, LATER, owner="w1")  # the lease is w2's now
    assert s.claim_message(c1.id, LATER, owner="w2")
    assert s.release_claims(owner="w1") == 0  # only its own claims: w1 has none in flight
    assert s.message_status(c1.id)[0] == "sending"  # w2's claim is not w1's to release
    s.release_claims(owner="w2")  # w2 stops: its own claim counted (its second: held)
    s.release_channel_leases("w2")
    assert s.lease_channels("w1", LATER, LATER + timedelta(minutes=1)) == ["c", "d"]
    assert s.message_status(c1.id)[0] == "uncertain"  # w2's claim counted: held now
    assert s.claim_message(c2.id, LATER, owner="w1")
