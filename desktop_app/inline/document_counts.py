"""The counting tables behind `DocumentModel`: tokens, packed n-gram keys, a vectorised build.

Not thread-safe on their own: `DocumentModel` guards them with its lock. See its docstring for
how n-grams are stored and capped.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from collections import Counter

import numpy as np

MAX_CONTEXT = 3  # continuations look at up to 3 words before the next one (4-grams)
MAX_NGRAMS_PER_ORDER = 250_000
MAX_WORDS = 250_000  # beyond this many distinct words, new words are not remembered
_CHUNK_CHARS = 1 << 17  # a build tokenizes this much text at a time
_BUFFER_KEYS = 100_000  # and merges its n-gram keys into the tables this often

# Words, numbers ("1666", "29th", "2,500", "1840s"), titles that keep their full stop, and the
# marks that end a phrase (n-grams never cross them).
TOKEN = re.compile(
    r"(?<!\w)(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Mt)\.|\d+(?:[.,:]\d+)*(?:st|nd|rd|th|s)?(?!\w)"
    r"|\w(?:[\w'’-]*\w)?|[.!?;:…\n]"
)
BOUNDARY = (".", "!", "?", ";", ":", "…", "\n")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_MASK = (1 << 64) - 1
_PRIME = 0x100000001B3
_SEEDS = [(c * 0x9E3779B97F4A7C15) & _MASK for c in range(MAX_CONTEXT + 1)]
_ID_BITS = 24
ID_MASK = (1 << _ID_BITS) - 1
assert MAX_WORDS <= ID_MASK  # every word id fits its packed key


def tokens(text: str) -> list[str]:
    """The words of `text` as the model counts them, with phrase-ending marks in between."""
    return TOKEN.findall(text)


def number_core(word: str) -> str | None:
    """The digits of a number word without ordinal or plural ending or thousands commas
    ("29th" → "29", "2,500" → "2500", "1840s" → "1840"); None when `word` is no number."""
    match = _NUMBER.match(word)
    return match.group(0).replace(",", "") if match else None


def word_hash(word: str) -> int:
    """A 64-bit hash of `word` (salted per process: the tables are never stored)."""
    return hash(word) & _MASK


def context_key(words: list[str] | tuple[str, ...]) -> int:
    """The 40-bit context hash, shifted into place for a packed key."""
    h = _SEEDS[len(words)]
    for word in words:
        h = ((h ^ word_hash(word)) * _PRIME) & _MASK
    return (h >> _ID_BITS) << _ID_BITS


def context_of(before: str) -> tuple[list[str], str]:
    """(the words since the last phrase end, the word being typed or "") at the end of `before`."""
    run: list[str] = []
    for token in tokens(before[-200:]):
        if token in BOUNDARY:
            run.clear()
        else:
            run.append(token)
    partial = run.pop() if run and before.endswith(run[-1]) else ""
    return run, partial


class Tables:
    """Word and n-gram counts of one document."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {mark: -1 for mark in BOUNDARY}
        self.words: list[str] = []
        self.counts = np.zeros(1024, dtype=np.int64)
        self.hashes = np.zeros(1024, dtype=np.uint64)
        self.sorted: list[str] = []  # words with a count above 0, for prefix search
        self.numbers: Counter[str] = Counter()  # number core -> distinct words that have it
        self.keys = [np.zeros(0, dtype=np.uint64) for _ in range(MAX_CONTEXT + 1)]
        self.freq = [np.zeros(0, dtype=np.int32) for _ in range(MAX_CONTEXT + 1)]
        self.delta: list[dict[int, dict[int, int]]] = [{} for _ in range(MAX_CONTEXT + 1)]

    # ---------------------------------------------------------------- words
    def word_id(self, word: str) -> int | None:
        wid = self.index.get(word)
        if wid is not None or len(self.words) >= MAX_WORDS:
            return wid
        wid = len(self.words)
        self.index[word] = wid
        self.words.append(word)
        if wid >= len(self.counts):  # grow by half, so bulk additions stay linear
            more = len(self.counts) // 2 + 1
            self.counts = np.concatenate([self.counts, np.zeros(more, dtype=np.int64)])
            self.hashes = np.concatenate([self.hashes, np.zeros(more, dtype=np.uint64)])
        self.hashes[wid] = word_hash(word)
        return wid

    def count(self, word: str) -> int:
        wid = self.index.get(word)
        return int(self.counts[wid]) if wid is not None and wid >= 0 else 0

    def add_word(self, wid: int, change: int) -> None:
        before = int(self.counts[wid])
        after = max(0, before + change)
        self.counts[wid] = after
        if (before > 0) != (after > 0):
            word = self.words[wid]
            core = number_core(word)
            at = bisect.bisect_left(self.sorted, word)
            if after > 0:
                self.sorted.insert(at, word)
                if core:
                    self.numbers[core] += 1
            else:
                del self.sorted[at]
                if core:
                    self.numbers[core] -= 1
                    if self.numbers[core] <= 0:
                        del self.numbers[core]

    # ---------------------------------------------------------------- n-grams
    def add_ngram(self, order: int, ctx: int, wid: int, change: int) -> None:
        followers = self.delta[order].setdefault(ctx, {})
        value = followers.get(wid, 0) + change
        if value:
            followers[wid] = value
        else:
            followers.pop(wid, None)
            if not followers:
                del self.delta[order][ctx]

    def followers(self, order: int, ctx: int) -> tuple[np.ndarray, np.ndarray]:
        """(word ids, counts) of the words that follow context `ctx` of `order` words."""
        keys = self.keys[order]
        low = int(np.searchsorted(keys, np.uint64(ctx), "left"))
        high = int(np.searchsorted(keys, np.uint64(ctx | ID_MASK), "right"))
        ids = (keys[low:high] & np.uint64(ID_MASK)).astype(np.int64)
        freq = self.freq[order][low:high].astype(np.int64)
        delta = self.delta[order].get(ctx)
        if delta:
            ids = np.concatenate([ids, np.fromiter(delta.keys(), np.int64, len(delta))])
            freq = np.concatenate([freq, np.fromiter(delta.values(), np.int64, len(delta))])
            ids, inverse = np.unique(ids, return_inverse=True)
            freq = np.bincount(inverse, weights=freq).astype(np.int64)
        kept = freq > 0
        return ids[kept], freq[kept]

    # ---------------------------------------------------------------- one text, by hand
    def apply(self, text: str, sign: int) -> None:
        """Add (sign 1) or remove (sign -1) the counts of `text`."""
        run: list[tuple[str, int]] = []  # the words since the last boundary
        for token in tokens(text):
            wid = self.word_id(token)
            if wid is None or wid < 0:
                run.clear()  # a phrase end, or a word past MAX_WORDS
                continue
            self.add_word(wid, sign)
            for order in range(1, min(MAX_CONTEXT, len(run)) + 1):
                ctx = context_key([word for word, _ in run[-order:]])
                self.add_ngram(order, ctx, wid, sign)
            run.append((token, wid))
            if len(run) > MAX_CONTEXT:
                del run[0]


class Builder:
    """Counts a whole text into fresh `Tables`, vectorised with numpy, chunk by chunk."""

    def __init__(self) -> None:
        self.tables = Tables()
        self.buffers: list[list[np.ndarray]] = [[] for _ in range(MAX_CONTEXT + 1)]
        self.buffered = [0] * (MAX_CONTEXT + 1)

    def feed(self, text: str) -> None:
        t = self.tables
        found = tokens(text)
        for word in set(found).difference(t.index):  # new words, at C speed
            t.word_id(word)
        ids = np.array(list(map(t.index.get, found, itertools.repeat(-1))), dtype=np.int64)
        del found
        if not len(ids):
            return
        boundary = ids < 0
        counted = np.bincount(ids[~boundary], minlength=len(t.words))
        t.counts[: len(counted)] += counted
        hashes = t.hashes[np.where(boundary, 0, ids)]
        blocked = np.concatenate([[0], np.cumsum(boundary)])  # boundaries before position i
        for order in range(1, MAX_CONTEXT + 1):
            n = len(ids) - order
            if n <= 0:
                break
            h = np.full(n, _SEEDS[order], dtype=np.uint64)
            for j in range(order):
                h = (h ^ hashes[j : j + n]) * np.uint64(_PRIME)
            # A valid n-gram has no boundary among its order + 1 tokens.
            valid = blocked[order + 1 : order + 1 + n] == blocked[:n]
            nxt = ids[order:][valid].astype(np.uint64)
            keys = ((h[valid] >> np.uint64(_ID_BITS)) << np.uint64(_ID_BITS)) | nxt
            self.buffers[order].append(keys)
            self.buffered[order] += len(keys)
            if self.buffered[order] >= _BUFFER_KEYS:
                self.merge(order)

    def merge(self, order: int) -> None:
        """Fold the buffered keys into the order's sorted table, then trim it to the cap."""
        t = self.tables
        if not self.buffers[order]:
            return
        fresh = np.concatenate(self.buffers[order])
        self.buffers[order], self.buffered[order] = [], 0
        if not len(fresh):
            return
        fresh.sort()
        starts = np.flatnonzero(np.concatenate([[True], fresh[1:] != fresh[:-1]]))
        counts = np.diff(np.append(starts, len(fresh))).astype(np.int32)
        fresh = fresh[starts]
        keys, freq = t.keys[order], t.freq[order]
        at = np.searchsorted(keys, fresh)
        known = at < len(keys)
        known[known] = keys[at[known]] == fresh[known]
        np.add.at(freq, at[known], counts[known])  # keys already in the table
        new = ~known
        keys = np.insert(keys, at[new], fresh[new])
        freq = np.insert(freq, at[new], counts[new])
        extra = len(keys) - MAX_NGRAMS_PER_ORDER
        if extra > 0:  # keep the most frequent (ties: the first in key order), in key order
            floor = np.partition(freq, extra)[extra]
            kept = freq > floor
            ties = np.flatnonzero(freq == floor)[: MAX_NGRAMS_PER_ORDER - int(kept.sum())]
            kept[ties] = True
            keys, freq = keys[kept], freq[kept]
        t.keys[order], t.freq[order] = keys, freq

    def build(self, text: str) -> Tables:
        """The tables of `text`, fed a chunk of whole lines at a time."""
        start = 0
        while start < len(text):
            end = text.find("\n", min(len(text), start + _CHUNK_CHARS))
            end = len(text) if end < 0 else end + 1
            self.feed(text[start:end])
            start = end
        return self.finish()

    def finish(self) -> Tables:
        t = self.tables
        for order in range(1, MAX_CONTEXT + 1):
            self.merge(order)
        alive = np.flatnonzero(t.counts[: len(t.words)] > 0).tolist()
        words = [t.words[wid] for wid in alive]
        # Sorted in short runs, then merged: one sort of every word would hold the GIL (and
        # so stall the GUI thread) for ~50-80 ms on a 20 MB document.
        runs = [sorted(words[i : i + 8192]) for i in range(0, len(words), 8192)]
        t.sorted = list(heapq.merge(*runs))
        for word in t.sorted:
            core = number_core(word)
            if core:
                t.numbers[core] += 1
        return t
