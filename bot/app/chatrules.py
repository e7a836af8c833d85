"""The rules a process runs with: the rule files' merged with the rules made in chat.

A process keeps one `ChatRulesFollower`. It merges at start and when the rule files are
reloaded (`set_files`); `refresh` reads the store again and merges only when the chat rules
differ, so it is cheap enough to call on every command that changes them and on every
reload poll (other processes' changes arrive that way). Each warning of a merge (a chat
entity shadowed by a file one, a watch that no longer fits) is logged when it first appears.
"""

from __future__ import annotations

import logging

from bot.core.chatrules import ChatRules, merge
from bot.core.commands.base import CommandStore
from bot.core.rules import RuleSet

log = logging.getLogger(__name__)


class ChatRulesFollower:
    def __init__(self, store: CommandStore, file_rules: RuleSet) -> None:
        self.store = store
        self.file_rules = file_rules
        self.chat: ChatRules = store.chat_rules()
        self.warnings: set[str] = set()  # those of the last merge
        self.rules = self._merge()

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


def with_chat_rules(rules: RuleSet, store: CommandStore) -> RuleSet:
    """`rules` with the store's chat rules merged in (for one-shot commands)."""
    return ChatRulesFollower(store, rules).rules
