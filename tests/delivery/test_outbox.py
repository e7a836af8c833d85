"""The outbox in a real SQLite file and a real PostgreSQL database: atomic batches, claims,
retries, pausing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.store import Store

NOW = datetime(2024, 9, 2, 8, tzinfo=UTC)


def test_batch_and_deliveries_are_one_transaction(s: Store) -> None:
    n = s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "a"}, {"text": "b"}],
                        {7: 2, 8: 1}, NOW, digest_at=NOW)  # fmt: skip
    assert n == 2
    assert s.delivered_outlets("c") == {7: 2, 8: 1}
    assert s.last_digest_times()["c"] == NOW
    # the same batch id again changes nothing
    assert s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "x"}], {9: 1}, NOW) == 0
    assert [m.payload["text"] for m in s.due_messages(NOW)] == ["a", "b"]
    assert 9 not in s.delivered_outlets("c")


def test_failed_batch_leaves_nothing(s: Store) -> None:
    with pytest.raises(TypeError):  # a set is not JSON: the second message cannot be stored
        s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "a"}, {"bad": {1, 2}}], {7: 1}, NOW)
    assert s.due_messages(NOW) == [] and s.delivered_outlets("c") == {}


def test_claims_retries_and_release(s: Store) -> None:
    s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "a"}], {}, NOW)
    (m,) = s.due_messages(NOW)
    assert s.claim_message(m.id, NOW) and not s.claim_message(m.id, NOW)
    assert s.due_messages(NOW) == []
    s.mark_retry(m.id, "500", NOW + timedelta(seconds=30))
    assert s.due_messages(NOW) == [] and len(s.due_messages(NOW + timedelta(seconds=31))) == 1
    s.claim_message(m.id, NOW)
    assert s.release_claims() == 1
    s.claim_message(m.id, NOW)
    s.mark_sent(m.id, "100:1", NOW)
    assert s.message_status(m.id) == ("sent", None)
    assert s.outbox_counts() == {"sent": 1}
    assert s.outbox_messages("b1")[0].attempts == 3


def test_paused_channel_holds_its_messages(s: Store) -> None:
    s.enqueue_batch("c", "b1", "telegram", "100", [{"text": "a"}], {}, NOW)
    s.enqueue_batch("d", "b2", "slack", "C1", [{"text": "b"}], {}, NOW)
    s.pause_channel("c", "telegram: Forbidden: bot was kicked", NOW)
    assert [m.channel_id for m in s.due_messages(NOW)] == ["d"]
    assert s.paused_channels() == {"c": "telegram: Forbidden: bot was kicked"}
    assert s.pause_state("c").since == NOW
    s.resume_channel("c")
    assert len(s.due_messages(NOW)) == 2
