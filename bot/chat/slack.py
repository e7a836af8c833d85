"""Sending to Slack through slack_sdk's AsyncWebClient (chat.postMessage).

The SDK's retry handlers wait out a 429's Retry-After, retry 5xx answers and connections
that could not be made; a connection lost after the request went out is NOT retried there
(the message may have arrived): it is an UncertainDeliveryError for the flusher. Messages
are posted with unfurling off and parse=none, so Slack adds no previews and parses no
names, and carry their outbox marker as message metadata (event type `newswatch_message`),
so `find_sent` can look a message up in conversations.history before it is sent again
(needs the channels:history / groups:history scope; without it a resend says it may
repeat).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TextIO

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.sender import (
    MessageRejectedError,
    PermanentDeliveryError,
    Sender,
    TransientDeliveryError,
    UncertainDeliveryError,
)
from bot.settings import Secrets, Settings

DEFAULT_BASE_URL = "https://slack.com/api/"
# chat.postMessage errors that no retry will cure: the channel or the token is the problem.
CHANNEL_GONE = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "account_inactive",
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "token_expired",
    "missing_scope",
    "no_permission",
    "restricted_action",
    "restricted_action_read_only_channel",
    "ekm_access_denied",
    "team_access_not_granted",
    "access_denied",
    "org_login_required",
}
# The message itself is unacceptable.
EVENT_TYPE = "newswatch_message"
HISTORY_PAGES = 5  # conversations.history pages (200 messages each) read by find_sent
REJECTED = {"msg_too_long", "invalid_blocks", "invalid_blocks_format", "too_many_attachments",
            "no_text", "invalid_arguments", "as_user_not_supported"}  # fmt: skip


class SlackSender:
    platform = "slack"

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        rate_limit_retries: int = 3,
        server_error_retries: int = 2,
        timeout: int = 30,
    ) -> None:
        self.client = AsyncWebClient(
            token=token,
            base_url=base_url,
            timeout=timeout,
            retry_handlers=[
                # only a connection never made: nothing was sent
                AsyncConnectionErrorRetryHandler(
                    max_retry_count=2, error_types=[aiohttp.ClientConnectorError]
                ),
                AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
                AsyncServerErrorRetryHandler(max_retry_count=server_error_retries),
            ],
        )

    async def send(self, destination: str, payload: Mapping[str, Any]) -> str:
        text, blocks = str(payload["text"]), payload.get("blocks")
        note = payload.get("resent")
        if note:
            text = f"{note}\n\n{text}"
            if blocks:
                context = {"type": "context", "elements": [{"type": "plain_text", "text": note}]}
                blocks = [context, *blocks]
        marker = payload.get("marker")
        metadata = (
            {"event_type": EVENT_TYPE, "event_payload": {"marker": str(marker)}} if marker else None
        )
        try:
            response = await self.client.chat_postMessage(
                channel=destination,
                text=text,
                blocks=blocks,
                metadata=metadata,
                unfurl_links=False,
                unfurl_media=False,
                parse="none",
                link_names=False,
            )
        except SlackApiError as exc:
            raise _convert(exc) from None
        except (aiohttp.ClientConnectorError, SlackClientError) as exc:
            raise TransientDeliveryError(f"slack: {type(exc).__name__}: {exc}") from None
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise UncertainDeliveryError(f"slack: no answer: {type(exc).__name__}: {exc}") from None
        return f"{response.get('channel', destination)}:{response.get('ts', '')}"

    async def find_sent(self, destination: str, marker: str, since: float) -> str | None:
        """The ref of the message carrying `marker` in the channel's history since `since`,
        None when it is not there; TransientDeliveryError when Slack cannot tell."""
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                page = await self.client.conversations_history(
                    channel=destination,
                    oldest=f"{since:.6f}",
                    limit=200,
                    include_all_metadata=True,
                    cursor=cursor,
                )
            except SlackApiError as exc:
                error = (
                    exc.response.data.get("error") if isinstance(exc.response.data, dict) else None
                )
                raise TransientDeliveryError(f"slack: history lookup: {error}") from None
            except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
                raise TransientDeliveryError(f"slack: history lookup: {exc}") from None
            for message in page.get("messages") or []:
                meta = message.get("metadata") or {}
                if meta.get("event_type") == EVENT_TYPE and (
                    (meta.get("event_payload") or {}).get("marker") == marker
                ):
                    return f"{destination}:{message.get('ts', '')}"
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not page.get("has_more") or not cursor:
                return None
        raise TransientDeliveryError("slack: history lookup: too many messages to read")

    async def close(self) -> None:
        session = getattr(self.client, "session", None)
        if session is not None and not session.closed:
            await session.close()


def _convert(exc: SlackApiError) -> Exception:
    status = exc.response.status_code
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    error = str(data.get("error") or f"http_{status}")
    if status == 429 or error == "ratelimited":
        retry = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
        return TransientDeliveryError(
            "slack: rate limited", retry_after=float(retry) if retry else None
        )
    if error in CHANNEL_GONE or status in (401, 403, 404):
        return PermanentDeliveryError(f"slack: {error}")
    if error in REJECTED:
        return MessageRejectedError(f"slack: {error}")
    return TransientDeliveryError(f"slack: {error}")


def make_sender(settings: Settings, secrets: Secrets, stream: TextIO | None) -> Sender | None:
    """A sender when SLACK_BOT_TOKEN is set (the platform registry calls this)."""
    if not secrets.slack_bot_token:
        return None
    return SlackSender(secrets.slack_bot_token, settings.slack.api_base_url)
