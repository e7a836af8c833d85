"""What every platform sender offers the outbox flusher, and the errors it may raise.

    DeliveryError
    ├── TransientDeliveryError   try again later (rate limit, 5xx, no connection): the platform
    │                            answered, or the request never left, so nothing arrived;
    │                            retry_after if known
    ├── UncertainDeliveryError   no answer came back after the request went out (connection
    │                            lost, timeout): the message may have arrived
    ├── SendNotStarted           the process is stopping: this send never began
    ├── PermanentDeliveryError   the destination is unusable (bot removed, channel gone, 403):
    │                            the channel is paused with this message as the reason
    ├── DestinationMovedError    the chat lives on under another id (a Telegram group that
    │                            became a supergroup): the channel follows it
    └── MessageRejectedError     this one message can never be sent (malformed): marked failed

Each adapter converts its library's exceptions into these at its boundary, so the flusher
never imports telegram or slack_sdk. A library's own retries may only repeat requests that
certainly did not arrive (an answered 429/5xx, a refused connection).

Besides the rendered message, a payload carries two keys the flusher adds: `marker`, the
message's own id (a sender may attach it where the platform keeps it, to find the message
later), and `resent`, the note that says this copy may repeat an earlier one (put before
the message when present).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class DeliveryError(Exception):
    """Sending a message failed."""


class TransientDeliveryError(DeliveryError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UncertainDeliveryError(DeliveryError):
    """The request went out and no answer came back: it may or may not have arrived."""


class SendNotStarted(DeliveryError):
    """The send was not begun (the process is stopping); nothing went out."""


class PermanentDeliveryError(DeliveryError):
    """The destination cannot receive messages until someone acts."""


class DestinationMovedError(DeliveryError):
    """The destination moved; the same message may be sent to `new_destination`."""

    def __init__(self, message: str, new_destination: str) -> None:
        super().__init__(message)
        self.new_destination = new_destination


class MessageRejectedError(DeliveryError):
    """The platform refused this message's content; other messages may still go."""


class Sender(Protocol):
    """Sends one rendered payload (see core.render / core.render_slack) to a destination."""

    platform: str

    async def send(self, destination: str, payload: Mapping[str, Any]) -> str:
        """Deliver and return the platform's reference for the message once it confirms."""
        ...

    async def close(self) -> None: ...


class SentLookup(Protocol):
    """A sender that can look a message up by its marker (Slack: conversations.history)."""

    async def find_sent(self, destination: str, marker: str, since: float) -> str | None:
        """The platform's ref of the message carrying `marker` posted since `since` (Unix
        time), or None when it is certainly not there; raises DeliveryError when the
        platform cannot tell (no answer, no permission, too much history to read)."""
        ...
