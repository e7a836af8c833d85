"""Word and phrase sets compared after normalisation and light stemming.

Cleanup recognises a line by the kind of words it holds ("a browser word and an enabling
word"), not by one site's sentence. Comparing stems of normalised tokens makes spelling
variants meet: hamza on alif, tanween, ی/ي, ک/ك, a final colon, the Arabic article and
proclitics (بتفعيل, التفعيل → تفعيل), English and Russian inflection.
"""

from __future__ import annotations

import functools

from bot.core.normalize import normalize
from bot.core.stem import stems


@functools.lru_cache(maxsize=8192)
def keys(norm: str) -> tuple[str, ...]:
    """The comparison keys of a normalised line, in order: each token's stem, or the token
    itself for a stopword. Cached: cleanup looks at a line several times."""
    words = norm.split()
    return tuple(s or w for s, w in zip(stems(words), words, strict=True))


class PhraseSet:
    """Phrases, each matched when all its keys occur in a line (any order) or, with
    `whole`, when the line's keys are exactly the phrase's. Written as one string of
    phrases separated by semicolons."""

    def __init__(self, phrases: str) -> None:
        self.phrases: tuple[tuple[str, ...], ...] = tuple(
            k for p in phrases.split(";") if (k := keys(normalize(p)))
        )
        self.words: frozenset[str] = frozenset(p[0] for p in self.phrases if len(p) == 1)
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in sorted(self.phrases, key=len, reverse=True):
            self._by_first.setdefault(p[0], []).append(p)
        self._multi = tuple(frozenset(p) for p in self.phrases if len(p) > 1)
        self._multi_words = frozenset(w for p in self._multi for w in p)
        self._whole = frozenset(self.phrases)

    def hit(self, line_keys: tuple[str, ...]) -> bool:
        """Some phrase occurs among `line_keys` (a many-word phrase: its words in any order)."""
        if not self.words.isdisjoint(line_keys):
            return True
        if self._multi_words.isdisjoint(line_keys):
            return False
        bag = set(line_keys)
        return any(p <= bag for p in self._multi)

    def covered(self, line_keys: tuple[str, ...]) -> int:
        """How many of `line_keys` belong to an occurrence of some phrase."""
        hit = [False] * len(line_keys)
        for i, k in enumerate(line_keys):
            for p in self._by_first.get(k, ()):
                if line_keys[i : i + len(p)] == p:
                    hit[i : i + len(p)] = [True] * len(p)
                    break
        return sum(hit)

    def whole(self, line_keys: tuple[str, ...]) -> bool:
        """The line is one of the phrases (after normalisation and stemming)."""
        return line_keys in self._whole

    def prefix(self, line_keys: tuple[str, ...]) -> int:
        """Length of the longest phrase the line starts with (0: none)."""
        if not line_keys:
            return 0
        for p in self._by_first.get(line_keys[0], ()):
            if line_keys[: len(p)] == p:
                return len(p)
        return 0
