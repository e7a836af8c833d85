"""Short tokens for button actions, for platforms that cap a button's payload.

Telegram allows 64 bytes of callback_data, while a search page's action carries the whole
query; the adapter stores the action here and puts the token on the button. Bounded: the
oldest tokens are forgotten, and a forgotten token is answered with "run it again".
"""

from __future__ import annotations

import itertools
from collections import OrderedDict


class ActionTokens:
    def __init__(self, capacity: int = 5000, prefix: str = "a") -> None:
        self.capacity = capacity
        self.prefix = prefix
        self._actions: OrderedDict[str, str] = OrderedDict()
        self._by_action: dict[str, str] = {}
        self._ids = itertools.count(1)

    def put(self, action: str) -> str:
        """The token for `action` (the same token for the same action while remembered)."""
        token = self._by_action.get(action)
        if token is not None:
            self._actions.move_to_end(token)
            return token
        token = f"{self.prefix}{next(self._ids)}"
        self._actions[token] = action
        self._by_action[action] = token
        while len(self._actions) > self.capacity:
            _, old = self._actions.popitem(last=False)
            self._by_action.pop(old, None)
        return token

    def get(self, token: str) -> str | None:
        return self._actions.get(token)
