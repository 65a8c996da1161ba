"""Harper's findings per paragraph, remembered so that only edited paragraphs are linted again.

Keys are (masked paragraph text, settings fingerprint); the fingerprint covers what changes
Harper's own output (dialect, rule configuration). What is filtered afterwards (names, the
personal dictionary, ignored words, enabled categories) is applied to the cached findings each
time, so adding a word or switching a category never lints anything again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RawLint:
    """One Harper lint, copied out of Harper into plain values (offsets in `str` characters)."""

    start: int
    end: int
    rule: str
    kind: str  # Harper's lint kind key: "Spelling", "Grammar", "Repetition", …
    message: str
    # (suggestion kind name, replacement text): "REPLACE", "REMOVE" or "INSERT_AFTER".
    suggestions: tuple[tuple[str, str], ...]


class ParagraphCache:
    """A thread-safe LRU map from (text, fingerprint) to that paragraph's `RawLint`s."""

    # Enough for every block of a 20 MB document (~400,000 lines), so inserting a line, which
    # renumbers every block below it, finds them all here again.
    def __init__(self, max_entries: int = 500_000) -> None:
        self._max = max_entries
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, str], tuple[RawLint, ...]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, text: str, fingerprint: str) -> tuple[RawLint, ...] | None:
        """The cached lints, or None when this paragraph was not linted with these settings."""
        key = (text, fingerprint)
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, text: str, fingerprint: str, lints: tuple[RawLint, ...]) -> None:
        """Remember `lints` for this paragraph, forgetting the least recently used beyond max."""
        with self._lock:
            self._items[(text, fingerprint)] = lints
            self._items.move_to_end((text, fingerprint))
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
