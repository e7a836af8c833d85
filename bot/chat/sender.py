"""What every platform sender offers the outbox flusher, and the errors it may raise.

    DeliveryError
    ├── TransientDeliveryError   try again later (rate limit, 5xx, network); retry_after if known
    ├── PermanentDeliveryError   the destination is unusable (bot removed, channel gone, 403):
    │                            the channel is paused with this message as the reason
    ├── DestinationMovedError    the chat lives on under another id (a Telegram group that
    │                            became a supergroup): the channel follows it
    └── MessageRejectedError     this one message can never be sent (malformed): marked failed

Each adapter converts its library's exceptions into these at its boundary, so the flusher
never imports telegram or slack_sdk.
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
