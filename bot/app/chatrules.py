"""The rules a process runs with: the rule files' merged with the rules made in chat.

A process keeps one `ChatRulesFollower`. It merges at start and when the rule files are
reloaded (`set_files`); `refresh` reads the store again and merges only when the chat rules
differ, so it is cheap enough to call on every command that changes them and on every
reload poll (other processes' changes arrive that way). Each warning of a merge (a chat
entity shadowed by a file one, a watch that no longer fits) is logged when it first appears.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from bot.core.chatrules import ChatRules, merge
from bot.core.commands.base import CommandStore
from bot.core.rules import RuleSet

log = logging.getLogger(__name__)
T = TypeVar("T")

CHAT_RULES_POLL = 10.0  # seconds between looks at the rules made in chat (in another process)


class ChatRulesFollower:
    def __init__(self, store: CommandStore, file_rules: RuleSet) -> None:
        self.store = store
        self.file_rules = file_rules
        self.chat: ChatRules = store.chat_rules()
        self.warnings: set[str] = set()  # those of the last merge
        self.rules = self._merge()
        self.polled_at = time.monotonic()  # see poll

    def _merge(self) -> RuleSet:
        rules, warnings = merge(self.file_rules, self.chat)
        for warning in warnings:
            if warning not in self.warnings:
                log.warning("rules made in chat: %s", warning)
        self.warnings = set(warnings)
        return rules

    def set_files(self, file_rules: RuleSet) -> RuleSet:
        """New rule files (a reload): merged with the chat rules as the store has them now."""
        self.file_rules = file_rules
        self.chat = self.store.chat_rules()
        self.rules = self._merge()
        return self.rules

    def refresh(self) -> RuleSet | None:
        """The merged rules when the store's chat rules changed since the last look, else None."""
        chat = self.store.chat_rules()
        if chat == self.chat:
            return None
        self.chat = chat
        self.rules = self._merge()
        return self.rules

    def poll(self, force: bool = False) -> RuleSet | None:
        """`refresh` at most every CHAT_RULES_POLL seconds (at once with `force`), for a
        process that follows the chat rules another process makes; a failed read is logged
        and the old rules stay."""
        if not force and time.monotonic() - self.polled_at < CHAT_RULES_POLL:
            return None
        self.polled_at = time.monotonic()
        try:
            rules = self.refresh()
        except Exception:
            log.exception("reading the rules made in chat failed; the old rules stay")
            return None
        if rules is not None:
            log.info("rules made in chat changed: %d topics now", len(rules.topics))
        return rules


class PolledChatRules(Generic[T]):
    """The merged rules for a process that only reads (the standalone web page): on use, looks
    at the store at most every CHAT_RULES_POLL seconds, so an entity or watch made in chat by
    the daemon shows up here too, and builds the matcher again only when they changed."""

    def __init__(self, follower: ChatRulesFollower, build: Callable[[RuleSet], T]) -> None:
        self.follower = follower
        self.build = build
        self.built = build(follower.rules)

    def current(self) -> tuple[RuleSet, T]:
        changed = self.follower.poll()
        if changed is not None:
            self.built = self.build(changed)
        return self.follower.rules, self.built


def with_chat_rules(rules: RuleSet, store: CommandStore) -> RuleSet:
    """`rules` with the store's chat rules merged in (for one-shot commands)."""
    return ChatRulesFollower(store, rules).rules
