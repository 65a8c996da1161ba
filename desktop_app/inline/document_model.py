"""A model of the current document's own words and phrases, for document-aware suggestions.

Two tables, both kept up to date paragraph by paragraph:

- word counts, case-preserving ("Elizabeth" and "elizabeth" are two words), with a sorted
  vocabulary for completing the word being typed ("Eliz" → "Elizabeth");
- continuations: for every context of 1-3 words, the words that follow it in the document
  (2- to 4-word n-grams), so a phrase the document already uses can be continued.

Memory. N-grams never cross a line break or a sentence end. An n-gram is stored as one packed
64-bit key (a 40-bit hash of its context words and the 24-bit id of the next word) in sorted
numpy arrays, 12 bytes each, so the followers of a context are one contiguous slice. Each
order keeps at most `MAX_NGRAMS_PER_ORDER` keys: while building, the rarest are dropped when a
table overflows (lossy counting), so on very large documents rare phrases are missing and the
counts of the kept ones can be low. Below that size, counts are exact. Edits after a build go
into small dicts beside the arrays, read together with them.

Threads. Every public method takes one lock, held only for microseconds by lookups and by a
paragraph's update. `build()` does its work without the lock on fresh tables and swaps them in
under it. Edits reported while a build runs are applied to the old tables (so lookups stay
right meanwhile) and replayed onto the new ones before the swap, so none is lost: call
`begin_build()` on the thread that reports edits at the moment the text snapshot is taken.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass

import numpy as np

from desktop_app.inline.document_counts import (
    ID_MASK,
    MAX_CONTEXT,
    Builder,
    Tables,
    context_key,
    context_of,
)

MIN_PREFIX = 3  # complete a word only once this many characters of it are typed
MIN_WORD_COUNT = 2  # ...to a word the document uses at least this often
MIN_WORD_SHARE = 0.6  # ...that has this share of the uses of all words with that prefix
# A cache language model's weight beside the inline model (Grave et al. interpolate the same
# way); `bench gate` measures it.
BLEND_WEIGHT = 0.3


@dataclass(frozen=True)
class Follower:
    """A word that follows a context in the document, with how often."""

    word: str
    count: int  # times it follows the context
    total: int  # times the context is followed by any word
    context: int  # how many words of context matched (1-3)

    @property
    def share(self) -> float:
        """The share of the context's uses that go on with this word."""
        return self.count / self.total if self.total else 0.0


def blend(model_prob: float, follower: Follower | None, weight: float = BLEND_WEIGHT) -> float:
    """The inline model's probability of a word interpolated with the document's share of it
    after the same context; unchanged when the document has not used that context."""
    if follower is None or not follower.total:
        return model_prob
    return (1 - weight) * model_prob + weight * follower.share


class DocumentModel:
    """Counts of the document's words and phrases; safe to update and read from two threads."""

    def __init__(self, text: str = "") -> None:
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._tables = Tables()
        self._pending: list[tuple[str, str]] | None = None
        if text:
            self.build(text)

    # ---------------------------------------------------------------- updating
    def begin_build(self) -> None:
        """Mark the moment the text for a coming `build()` was taken: edits reported from now
        on are replayed onto the built tables."""
        with self._lock:
            if self._pending is None:
                self._pending = []

    def build(self, text: str) -> None:
        """Replace every count by those of `text` (slow for big texts: run it on a worker)."""
        with self._build_lock:
            self.begin_build()
            try:
                tables = Builder().build(text)
            except BaseException:
                with self._lock:
                    self._pending = None
                raise
            with self._lock:
                for old_text, new_text in self._pending or ():
                    tables.apply(old_text, -1)
                    tables.apply(new_text, 1)
                self._tables, self._pending = tables, None

    def update_paragraph(self, block_number: int, old_text: str, new_text: str) -> None:
        """Block `block_number` changed from `old_text` to `new_text` (use "" for a new or a
        removed block). The counts depend only on the texts; the number is for the caller's
        bookkeeping and logs."""
        del block_number
        if old_text == new_text:
            return
        with self._lock:
            self._tables.apply(old_text, -1)
            self._tables.apply(new_text, 1)
            if self._pending is not None:
                self._pending.append((old_text, new_text))

    # ---------------------------------------------------------------- words
    def count(self, word: str) -> int:
        """How often the document uses `word` (case-sensitive)."""
        with self._lock:
            return self._tables.count(word)

    def contains(self, word: str) -> bool:
        """True when the document uses `word` (case-sensitive)."""
        return self.count(word) > 0

    def has_number(self, core: str) -> bool:
        """True when the document has a number with these digits ("29" for "29th May")."""
        with self._lock:
            return core in self._tables.numbers

    @property
    def vocabulary_size(self) -> int:
        """How many distinct words the document uses."""
        with self._lock:
            return len(self._tables.sorted)

    def complete_word(self, prefix: str, *, typing: bool = True) -> str | None:
        """The document's word that `prefix` most likely begins, or None when the prefix is
        short, the word rare, or another word with that prefix nearly as common.

        With `typing`, `prefix` itself is the word being typed and already counted once in
        the document; that use is not counted.
        """
        if len(prefix) < MIN_PREFIX or not prefix[-1].isalnum():
            return None
        with self._lock:
            t = self._tables
            at = bisect.bisect_left(t.sorted, prefix)
            best, best_count, total = None, 0, 0
            for word in t.sorted[at : at + 2000]:
                if not word.startswith(prefix):
                    break
                freq = t.count(word)
                if word == prefix:
                    total += max(0, freq - 1) if typing else freq
                    continue
                total += freq
                if freq > best_count:
                    best, best_count = word, freq
        if best is None or best_count < MIN_WORD_COUNT or best_count < MIN_WORD_SHARE * total:
            return None
        return best

    # ---------------------------------------------------------------- phrases
    def followers(self, before: str, limit: int = 3, min_total: int = 2) -> list[Follower]:
        """The words that follow the last 1-3 words of `before` in the document, most common
        first, from the longest context the document has used at least `min_total` times.

        When `before` ends inside a word, that word is the one being typed: it is not part of
        the context, and only followers that begin with it count (shares are among those).
        """
        with self._lock:
            found = self._lookup(before, min_total)
            if found is None:
                return []
            ids, freq, total, order = found
            words = self._tables.words
            top = np.argsort(-freq, kind="stable")[:limit]
            return [Follower(words[int(ids[i])], int(freq[i]), total, order) for i in top]

    def phrase_share(self, before: str, word: str, min_total: int = 2) -> Follower | None:
        """How often `word` follows the end of `before` in the document (None when the
        document has not used that context at least `min_total` times)."""
        with self._lock:
            found = self._lookup(before, min_total)
            if found is None:
                return None
            ids, freq, total, order = found
            wid = self._tables.index.get(word)
            count = int(freq[ids == wid].sum()) if wid is not None and wid >= 0 else 0
            return Follower(word, count, total, order)

    def _lookup(self, before: str, min_total: int):
        """(ids, counts, total, order) for the longest context with enough uses; the caller
        holds the lock."""
        run, partial = context_of(before)
        t = self._tables
        for order in range(min(MAX_CONTEXT, len(run)), 0, -1):
            ids, freq = t.followers(order, context_key(run[-order:]))
            if partial and len(ids):
                starts = [t.words[wid].startswith(partial) for wid in ids.tolist()]
                ids, freq = ids[starts], freq[starts]
            total = int(freq.sum())
            if total >= min_total:
                return ids, freq, total, order
        return None

    def continuation(
        self, before: str, max_words: int = 4, min_share: float = 0.6, min_count: int = 2
    ) -> str:
        """What to insert after `before` to continue it as the document has (the rest of the
        word being typed, then whole words), or "" when no phrase is clear enough."""
        _run, partial = context_of(before)
        out = ""
        for step in range(max_words):
            found = self.followers(before + out + (" " if out else ""), limit=1)
            if not found or found[0].count < min_count or found[0].share < min_share:
                break
            word = found[0].word
            if step > 0:
                out += " " + word
            elif partial:
                if word == partial:
                    break  # the word is whole already: ask again after the space
                out = word[len(partial) :]
            else:
                out = ("" if not before or before[-1].isspace() else " ") + word
        return out

    # ---------------------------------------------------------------- for tests
    def export(self) -> tuple[dict[str, int], dict[tuple[int, int, str], int]]:
        """(word counts, n-gram counts keyed by (order, context hash, next word)), nonzero only."""
        with self._lock:
            t = self._tables
            words = {word: int(t.counts[wid]) for wid, word in enumerate(t.words)}
            grams: dict[tuple[int, int, str], int] = {}
            for order in range(1, MAX_CONTEXT + 1):
                contexts = {int(key) & ~ID_MASK for key in t.keys[order]}
                contexts |= set(t.delta[order])
                for ctx in contexts:
                    for wid, freq in zip(*t.followers(order, ctx), strict=True):
                        grams[(order, ctx, t.words[int(wid)])] = int(freq)
        return {w: c for w, c in words.items() if c > 0}, grams
