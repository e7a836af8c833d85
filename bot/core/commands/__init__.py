"""Chat commands, platform-neutral: a command line and a Request in, a Reply out.

Adapters (bot.chat.telegram_commands, bot.chat.slack_commands) call `execute`; button
presses carry a command line as their action and go through `execute` too, so the
permission check and argument parsing apply to them exactly as to typed commands.
"""

from bot.core.commands import channel, queries, sourcecmd, watches
from bot.core.commands.actions import ActionTokens
from bot.core.commands.base import (
    CommandError,
    CommandStore,
    DigestNow,
    Env,
    QueryMatcher,
    Request,
    SourceStatus,
    StatusSummary,
)
from bot.core.commands.registry import (
    COMMANDS,
    Command,
    changes,
    execute,
    notice,
    split_line,
    visible,
)

__all__ = [
    "COMMANDS",
    "ActionTokens",
    "Command",
    "CommandError",
    "CommandStore",
    "DigestNow",
    "Env",
    "QueryMatcher",
    "Request",
    "SourceStatus",
    "StatusSummary",
    "changes",
    "channel",
    "execute",
    "notice",
    "queries",
    "sourcecmd",
    "split_line",
    "visible",
    "watches",
]
