"""One dictionary for every rule word, and the per-article scan that meets it in C.

A rule word is looked up three ways: exact key; g-letter variant key (Arabic-script alias
tokens of `MIN_VARIANT` letters or more: ج غ ق گ چ interchange, پ~ب, ڤ~ف, ژ~ج and ژ~ز); and
prefix (`word*`), indexed by length (an alias's Arabic-script prefix of `MIN_VARIANT`
letters or more is kept under its variant keys instead, and met by the token's fold). The
article side is its distinct tokens plus each token's proclitic-stripped forms (و ف, then
ب ك ل, then ال or لل; never leaving fewer than 3 letters), produced by three regex passes
over the joined tokens. Every step over the
article's tokens is a builtin working in C (findall, join, translate, split, map, set
intersection); Python code runs only for words that occurred. The matcher's chunk path
(`chunk_hits`) remembers raw chunks of text, before folding, so that known text is neither
folded nor split again; it learns unknown chunks as one joined string (`_batch_hits`: the
three proclitic strips in one regex pass, exact and variant keys in one set under their
g-letter fold), a third cheaper than the token path's `_hits_of`, which stays as the
reference the tests compare it with. When the C module bot.core._chunkscan is built (see
setup.py), `scan_chunks` keeps that memo in C instead, and an article's known chunks are cut
and looked up without making a string of each; the pure-Python memo is the fallback and the
reference (tests compare the two).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress, filterfalse
from operator import itemgetter

from bot.core.normalize import DROP, SEPARATORS, fold_chunks, fold_joined
from bot.core.query import Term, Word

try:
    from bot.core._chunkscan import ChunkTable
except ImportError:  # not built (no C compiler at install): the pure-Python memo serves
    COMPILED = False
else:
    COMPILED = True

MIN_VARIANT = 4
MEMO_TOKENS = 200_000  # distinct tokens remembered with the words they match
Occurrence = tuple[int, int]  # token index range [start, end)
Located = tuple[int, dict[int, tuple[int, str]], list[tuple[int, tuple[int, ...]]]]

_PROCLITICS = (
    re.compile(" ([وف]([^ ]{3,}))"),
    re.compile(" ([وف]?[بكل]([^ ]{3,}))"),
    re.compile(" ([وف]?(?:[بكل]?ال|لل)([^ ]{3,}))"),
)
# The same three strips in one pass, for the chunk path: (token, and its form without
# و/ف, without [وف]?[بكل], without [وف]?([بكل]?ال|لل); "" where that strip does not apply).
_STRIPS = re.compile(
    " (?=([وفبكلا][^ ]{3,}))"
    "(?:(?=[وف]([^ ]{3,})))?"
    "(?:(?=[وف]?[بكل]([^ ]{3,})))?"
    "(?:(?=[وف]?(?:[بكل]?ال|لل)([^ ]{3,})))?"
)
_ZH = "ژ"
_G_FOLD = (*((c, "ج") for c in "غقگچڨ"), ("پ", "ب"), ("ڤ", "ف"))  # str.replace: C speed


def _gfold(text: str, zh: str = "ج") -> str:
    for a, b in _G_FOLD:
        text = text.replace(a, b)
    return text.replace(_ZH, zh)


def _arabic(key: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u08ff" for c in key)


def joined_alias(term: Term) -> Term | None:
    """An Arabic-script name of two or three words as one: أبو سعادة is also written أبوسعادة,
    عبد الله عبدالله, سلطان زاده سلطانزاده (the same `text`, so evidence names the alias)."""
    words = term.words
    if not 2 <= len(words) <= 3 or any(w.prefix or not _arabic(w.key) for w in words):
        return None
    return Term(term.text, (Word("".join(w.key for w in words)),))


def variant_keys(key: str) -> set[str]:
    """The g-letter variant keys of an Arabic-script token (two when it has ژ)."""
    keys = {_gfold(key)}
    if _ZH in key:
        keys.add(_gfold(key, "ز"))
    return keys


class Lexicon:
    """Terms (phrases of words) compiled into lookup tables; `scan` finds their occurrences."""

    def __init__(self, terms: Sequence[tuple[Term, bool]], compiled: bool = COMPILED) -> None:
        """`compiled`: keep the chunk memo in C (`scan_chunks`); False, or the module not
        built: in Python (`chunk_hits`)."""
        if compiled and not COMPILED:
            raise RuntimeError("bot.core._chunkscan is not built (no C compiler at install?)")
        self.compiled = compiled
        self._table: ChunkTable | None = None  # made on first use: ad-hoc lexicons never scan
        self._word_ids: dict[tuple[str, str], int] = {}
        self.exact: dict[str, int] = {}
        self.variant: dict[str, list[int]] = {}
        self.prefix: dict[int, dict[str, int]] = {}
        self.vprefix: dict[int, dict[str, list[int]]] = {}  # variant keys of alias prefixes
        self._term_ids: dict[tuple[object, bool], int] = {}
        self.terms: list[tuple[int, ...]] = []
        self.first: dict[int, list[int]] = {}  # word id → terms that start with it
        self._seen: set[str] = set()  # tokens looked up (see _word_hits)
        self._hits: dict[str, tuple[int, ...]] = {}  # ... those that match a word: their ids
        self._chunks_seen: set[str] = set()  # chunks looked up (see chunk_hits)
        self._chunk_ids: dict[str, tuple[int, ...]] = {}  # ... one-token ones that match
        self._irregular: set[str] = set()  # ... those of several tokens or none
        self.trim: dict[str, tuple[int, int]] = {}  # matching chunk → dropped marks at its ends
        for term, variants in terms:
            self._add_term(term, variants)
        # Prefix keys share one filter: a token is checked against the prefix tables only
        # when its first `_head` letters begin some prefix key (one C-level pass for all).
        self._head = min([*self.prefix, *self.vprefix], default=0)
        self._heads = self._heads_of(self.prefix)
        self._vheads = self._heads_of(self.vprefix)  # folded heads of the variant prefixes
        # The chunk path's filter (`_batch_hits`): exact and variant keys in one set under
        # their g-letter fold, prefix heads likewise: one probe per candidate, not three.
        self._folded_keys = frozenset(map(_gfold, self.exact)).union(self.variant)
        self._folded_heads = frozenset(map(_gfold, self._heads)).union(self._vheads)
        self._cut = itemgetter(slice(0, self._head))

    def _heads_of(self, table: Mapping[int, Iterable[str]]) -> dict[str, list[int]]:
        """The first `_head` letters of a prefix table's keys → the key lengths that begin so."""
        heads: dict[str, list[int]] = {}
        for length, keys in sorted(table.items()):
            for key in keys:
                lengths = heads.setdefault(key[: self._head], [])
                if not lengths or lengths[-1] != length:
                    lengths.append(length)
        return heads

    def _add_word(self, key: str, prefix: bool, variants: bool) -> int:
        varies = variants and len(key) >= MIN_VARIANT and _arabic(key)
        if prefix:
            mode = "vprefix" if varies else "prefix"
        elif varies:
            mode = "variant"
        else:
            mode = "exact"
        wid = self._word_ids.get((mode, key))
        if wid is not None:
            return wid
        wid = len(self._word_ids)
        self._word_ids[(mode, key)] = wid
        if mode == "prefix":
            self.prefix.setdefault(len(key), {})[key] = wid
        elif mode == "vprefix":
            for vkey in variant_keys(key):
                self.vprefix.setdefault(len(vkey), {}).setdefault(vkey, []).append(wid)
        elif mode == "variant":
            for vkey in variant_keys(key):
                self.variant.setdefault(vkey, []).append(wid)
        else:
            self.exact[key] = wid
        return wid

    def _add_term(self, term: Term, variants: bool) -> int:
        key = (term.words, variants and any(_arabic(w.key) for w in term.words))
        tid = self._term_ids.get(key)
        if tid is None:
            wids = tuple(self._add_word(w.key, w.prefix, variants) for w in term.words)
            tid = len(self.terms)
            self.terms.append(wids)
            self._term_ids[key] = tid
            self.first.setdefault(wids[0], []).append(tid)
        self._term_ids.setdefault((term, variants), tid)
        return tid

    def term_id(self, term: Term, variants: bool) -> int:
        """The id `scan` reports `term` under (as an alias when `variants`); -1 if unknown."""
        return self._term_ids.get((term, variants), -1)

    def scan(self, tokens: list[str], title_tokens: int) -> dict[int, list[Occurrence]]:
        """Term id → occurrences in `tokens`; a phrase never spans the title/text boundary."""
        got = self._word_hits(tokens)
        hits = [(i, got[i]) for i in compress(range(len(got)), got)]
        return self.occurrences(hits, title_tokens)  # type: ignore[arg-type]

    def occurrences(
        self, hits: list[tuple[int, tuple[int, ...]]], title_tokens: int
    ) -> dict[int, list[Occurrence]]:
        """Term id → occurrences, from (token index, word ids) of the tokens that matched,
        in order."""
        positions: dict[int, list[int]] = {}
        for i, wids in hits:
            for wid in wids:
                positions.setdefault(wid, []).append(i)
        found: dict[int, list[Occurrence]] = {}
        sets: dict[int, set[int]] = {}
        for wid, starts in positions.items():
            for tid in self.first.get(wid, ()):
                wids = self.terms[tid]
                n = len(wids)
                if n == 1:
                    found[tid] = [(s, s + 1) for s in starts]
                    continue
                if any(w not in positions for w in wids):
                    continue
                rest = [sets.setdefault(w, set(positions[w])) for w in wids[1:]]
                occs = [
                    (s, s + n)
                    for s in starts
                    if (s < title_tokens) == (s + n - 1 < title_tokens)
                    and all(s + j + 1 in rest[j] for j in range(n - 1))
                ]
                if occs:
                    found[tid] = occs
        return found

    def _word_hits(self, tokens: list[str]) -> list[tuple[int, ...] | None]:
        """For each token, the ids of the words it matches (None for none). Remembered per
        token (bounded): news vocabulary repeats, so most tokens of an article were seen
        before; the others go through `_hits_of` together. What is remembered is split in two
        so that the per-token probes stay cheap: the set of tokens seen (a set keeps each
        hash beside its key, so a probe reads less memory than a dict's) and a small dict of
        the few that matched something, which stays in the processor's cache."""
        seen = self._seen
        got = list(map(self._hits.get, tokens))  # hashes each token while it is fresh
        if not seen.issuperset(tokens):
            misses = list(set(tokens).difference(seen))
            fresh = self._hits_of(misses)
            got = list(map(fresh.get, tokens, got))  # fresh answer where missing, C loop
            if len(seen) + len(misses) > MEMO_TOKENS:
                self.forget()
            seen.update(misses)
            self._hits.update(fresh)
        return got

    def chunk_hits(self, chunks: list[str]) -> list[tuple[int, ...] | None] | None:
        """For each chunk (bot.core.normalize.chunks), the ids of the words its token
        matches (None for none); None when some chunk is not exactly one token (the caller
        tokenises that text with `Tokens` and `scan`s it). Remembered as tokens are in
        `_word_hits`: a set of the chunks seen and a small dict of those that match; unknown
        chunks are folded and looked up together. The pure-Python path (`compiled` False)."""
        if self.compiled:
            raise RuntimeError("a compiled lexicon's chunk memo is in C: use scan_chunks")
        if self._chunks_seen.issuperset(chunks):  # stops at the first unknown chunk
            return list(map(self._chunk_ids.get, chunks))
        # the unknown ones, in order (a repeated one twice: cheaper than building a set)
        unknown = list(filterfalse(self._chunks_seen.__contains__, chunks))
        if len(self._chunks_seen) + len(self._irregular) + len(unknown) > MEMO_TOKENS:
            self.forget()  # the trims of known chunks go too: learn the whole article again
            unknown = chunks
        elif not self._irregular.isdisjoint(unknown):
            return None
        self._learn(unknown)
        if not self._irregular.isdisjoint(unknown):
            return None
        return list(map(self._chunk_ids.get, chunks))

    def scan_chunks(self, title: str, text: str) -> Located | None:
        """The compiled path of `chunk_hits` (one memo in C): (how many chunks the title
        has, matching chunk's number → (offset in its field, chunk), (number, word ids) of
        the matching chunks in order); None when some chunk is not one token."""
        table = self._table
        if table is None:
            table = self._table = ChunkTable(SEPARATORS)
        got = table.scan(title, text)
        if got is None or not got[3]:
            return got and got[:3]
        if len(table) + len(got[3]) > MEMO_TOKENS:
            self.forget()  # the trims of known chunks go too: learn the whole article again
            got = table.scan(title, text)
            if got is None:  # cannot be: an empty table knows no chunk that is not one token
                return None
        if not self._learn(got[3]):  # nothing new matched: this scan's answer stands
            return got[:3]
        got = table.scan(title, text)
        return got and got[:3]

    def _learn(self, batch: list[str]) -> bool:
        """Fold and look up unknown chunks: one-token ones join `_chunks_seen`, the others
        `_irregular` (kept apart, so that an article holding one misses the fast check),
        or the C table as False. The batch stays one joined string from
        folding to lookup: Python code runs only for the chunks that match. True when some
        chunk matched or is not one token."""
        folded = fold_joined(batch)
        if folded is None:  # some chunk is not one token: set those apart
            each = fold_chunks(batch)
            odd = [c for c, f in zip(batch, each, strict=True) if f is None]
            batch = [c for c, f in zip(batch, each, strict=True) if f is not None]
            folded = " ".join(f for f in each if f is not None)
        else:
            odd = []
        learned: dict[str, tuple[int, ...]] = {}
        found = (
            self._batch_hits(folded.replace(DROP, "") if DROP in folded else folded)
            if batch
            else {}
        )
        parts = folded.split(" ") if found and DROP in folded else None
        for i, wids in found.items():
            chunk = batch[i]
            learned[chunk] = tuple(sorted(wids))
            f = parts[i] if parts is not None else ""
            if f and (f[0] == DROP or f[-1] == DROP):  # dropped marks at its ends
                lead = len(f) - len(f.lstrip(DROP))
                self.trim[chunk] = (lead, len(f) - len(f.rstrip(DROP)))
        self._remember(batch, learned, odd)
        return bool(learned or odd)

    def _remember(
        self, batch: list[str], learned: dict[str, tuple[int, ...]], odd: list[str]
    ) -> None:
        """Put learned chunks in the memo that serves: the C table (a chunk that is not one
        token as False), or the Python sets and dict."""
        if self._table is not None:
            self._table.learn(batch, learned)
            for chunk in odd:
                self._table.add(chunk, False)
        else:
            self._chunks_seen.update(batch)
            self._chunk_ids.update(learned)
            self._irregular.update(odd)

    def _batch_hits(self, joined: str) -> dict[int, set[int]]:
        """Token index → ids of the words it matches, for the tokens of `joined` (tokens
        separated by single spaces), as `_hits_of` answers them (tests compare the two).
        Each token and each proclitic-stripped form is folded by g-letters and probed once
        in `_folded_keys` (a set probe in C), prefix heads likewise; the rare hits are looked
        up in Python (an exact word must equal the token, a variant its fold)."""
        found = _STRIPS.findall(" " + joined)  # (token, its forms without proclitics)
        owners: list[str] = []  # the token each stripped form comes from
        rests: list[str] = []
        if found:
            columns = list(zip(*found, strict=True))
            for forms in columns[1:]:
                rests.extend(filter(None, forms))
                owners.extend(compress(columns[0], forms))
        cand = f"{joined} {' '.join(rests)}" if rests else joined
        hit: list[tuple[list[str], int]] = []  # (folded candidates, index of a hit)
        for zh in ("ج", "ز") if _ZH in cand else ("ج",):
            column = _gfold(cand, zh).split(" ")
            for key in self._folded_keys.intersection(column):
                i = -1
                with contextlib.suppress(ValueError):
                    while True:
                        i = column.index(key, i + 1)
                        hit.append((column, i))
            heads = self._folded_heads
            if heads and (zh == "ج" or self._vheads):
                marks = map(heads.__contains__, map(self._cut, column))
                hit.extend((column, i) for i in compress(range(len(column)), marks))
        if not hit:
            return {}
        cands = cand.split(" ")
        n = len(cands) - len(rests)
        out: dict[int, set[int]] = {}
        for column, i in hit:
            token = cands[i]
            wids = list(self.variant.get(column[i], ()))
            if token in self.exact:
                wids.append(self.exact[token])
            for length in self._heads.get(token[: self._head], ()):
                wid = self.prefix[length].get(token[:length])
                if wid is not None:
                    wids.append(wid)
            folded = column[i]
            for length in self._vheads.get(folded[: self._head], ()):
                wids.extend(self.vprefix[length].get(folded[:length], ()))
            if not wids:
                continue
            if i < n:
                out.setdefault(i, set()).update(wids)
                continue
            owner, j = owners[i - n], -1  # a stripped form: every token it comes from
            with contextlib.suppress(ValueError):
                while True:
                    j = cands.index(owner, j + 1, n)
                    out.setdefault(j, set()).update(wids)
        return out

    def forget(self) -> None:
        """Empty the token memo (answers stay the same, only slower until it fills again)."""
        self._seen.clear()
        self._hits.clear()
        self._chunks_seen.clear()
        self._chunk_ids.clear()
        self._irregular.clear()
        self.trim.clear()
        if self._table is not None:
            self._table.clear()

    def lookup(self, distinct: list[str]) -> dict[str, tuple[int, ...]]:
        """Word ids for each of `distinct` tokens (() for none), in C-level batches."""
        out: dict[str, tuple[int, ...]] = dict.fromkeys(distinct, ())
        out.update(self._hits_of(distinct))
        return out

    def _hits_of(self, distinct: list[str]) -> dict[str, tuple[int, ...]]:
        """Word ids of those of `distinct` tokens that match some word."""
        cand = list(distinct)
        orig = list(distinct)
        joined = " " + " ".join(distinct)
        for pattern in _PROCLITICS:
            stripped = pattern.findall(joined)
            if stripped:
                wholes, rests = zip(*stripped, strict=True)
                cand.extend(rests)
                orig.extend(wholes)
        hits: dict[str, set[int]] = {}

        def mark(column: list[str], key: str, wids: list[int]) -> None:
            i = -1
            try:
                while True:
                    i = column.index(key, i + 1)
                    hits.setdefault(orig[i], set()).update(wids)
            except ValueError:
                pass

        for key in self.exact.keys() & cand:
            mark(cand, key, [self.exact[key]])
        if self.variant or self.vprefix:
            together = " ".join(cand)
            for zh in ("ج", "ز") if _ZH in joined else ("ج",):
                folded = _gfold(together, zh).split(" ")
                for key in self.variant.keys() & folded:
                    mark(folded, key, self.variant[key])
                heads = map(itemgetter(slice(0, self._head)), folded)
                for i in compress(range(len(folded)), map(self._vheads.__contains__, heads)):
                    token = folded[i]
                    for length in self._vheads[token[: self._head]]:
                        hits.setdefault(orig[i], set()).update(
                            self.vprefix[length].get(token[:length], ())
                        )
        if self._heads:
            heads = map(itemgetter(slice(0, self._head)), cand)
            for i in compress(range(len(cand)), map(self._heads.__contains__, heads)):
                token = cand[i]
                for length in self._heads[token[: self._head]]:
                    wid = self.prefix[length].get(token[:length])
                    if wid is not None:
                        hits.setdefault(orig[i], set()).add(wid)
        return {token: tuple(sorted(wids)) for token, wids in hits.items()}
