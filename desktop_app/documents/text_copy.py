"""The document's exact text without one long copy on the GUI thread.

`toRawText()` of a 20 MB document holds the GUI thread for ~55 ms, at every recovery snapshot and
every save. `TextCopier` copies it instead a few milliseconds of characters per event-loop turn
(selections of whole blocks, which keep no-break spaces and line separators as they are), and
hands the pieces to the caller, who passes them to a worker. An edit during the copy costs a
re-copy of only what it touched (an earlier design restarted the copy and, after three restarts,
copied the rest at once: 55-250 ms stalls while typing at the top of a 20 MB document).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QTextCursor, QTextDocument

log = logging.getLogger(__name__)

SYNC_CHARS = 262_144  # below this a copy costs well under a millisecond: done at once
BUDGET_MS = 4.0  # GUI time per event-loop turn
MAX_PIECE = 1_048_576  # characters: ~6 ms here

Pieces = list[str]


def copy_range(document: QTextDocument, start: int, end: int) -> str:
    """Characters `start`..`end` of `document` exactly, with "\\n" between blocks."""
    cursor = QTextCursor(document)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2029", "\n")


def _cut(document: QTextDocument, start: int, size: int, length: int) -> int:
    """Where a piece starting at `start` of about `size` characters should end."""
    end = start + size
    if end >= length:
        return length
    block = document.findBlock(end)
    if block.isValid() and block.position() > start:
        return block.position()  # just after a block break: nothing is split
    # One enormous block: cut inside it, never between the halves of a surrogate pair.
    if 0xDC00 <= ord(document.characterAt(end) or "\0") <= 0xDFFF:
        end += 1
    return end


class _Copy:
    """One copy under way: pieces of the text in the document's current positions.

    `segments` holds `[start, end, text]`, sorted and apart, `end - start` being the UTF-16
    length of `text`. An edit keeps what it did not touch (shifted past it) and leaves a gap
    where it was; each turn fills the first gaps. So an edit costs a re-copy of its own few
    characters, never of the whole text, and a writer who never pauses still gets the copy.
    """

    def __init__(self, copier: TextCopier, document: QTextDocument, then) -> None:
        self.copier = copier
        self.document = document
        self.then = then
        self.segments: list[list] = []
        self.size = 65_536
        self.copied = 0  # characters copied so far, re-copies included
        document.contentsChange.connect(self._on_change)

    def _on_change(self, position: int, removed: int, added: int) -> None:
        end_old, delta = position + removed, added - removed
        kept: list[list] = []
        for start, end, text in self.segments:
            if end <= position:
                kept.append([start, end, text])
            elif start >= end_old:
                kept.append([start + delta, end + delta, text])
            elif len(text) == end - start:  # no surrogate pairs: str offsets are UTF-16 offsets
                if start < position:
                    kept.append([start, position, text[: position - start]])
                if end > end_old:
                    kept.append([end_old + delta, end + delta, text[end_old - start :]])
        self.segments = kept

    def _gap(self, length: int) -> tuple[int, int, int] | None:
        """(index to insert at, start, end) of the first part not copied, or None."""
        at = 0
        for index, (start, end, _text) in enumerate(self.segments):
            if start > at:
                return index, at, start
            at = end
        return (len(self.segments), at, length) if at < length else None

    def step(self, budget: float) -> bool:
        """Copy for about `budget` seconds; True when the whole text is copied."""
        started = time.perf_counter()
        length = self.document.characterCount() - 1
        if self.segments and self.segments[-1][1] > length:
            self.segments = []  # an edit was reported wider than it was: copy afresh
        while (gap := self._gap(length)) is not None:
            index, start, gap_end = gap
            end = _cut(self.document, start, self.size, gap_end)
            t0 = time.perf_counter()
            text = copy_range(self.document, start, end)
            took = time.perf_counter() - t0
            self.segments.insert(index, [start, end, text])
            self.copied += end - start
            # Aim each piece at about a quarter of the budget.
            if took < budget / 8:
                self.size = min(self.size * 2, MAX_PIECE)
            elif took > budget / 2:
                self.size = max(self.size // 2, 4096)
            if time.perf_counter() - started >= budget:
                return self._gap(length) is None
        return True

    @property
    def pieces(self) -> Pieces:
        return [text for _start, _end, text in self.segments if text]

    def detach(self) -> None:
        if shiboken6.isValid(self.document):
            self.document.contentsChange.disconnect(self._on_change)


class TextCopier(QObject):
    """Copies documents' text across event-loop turns; each copy ends in one `then(pieces)`.

    `then` receives a list of strings whose join is the exact text, or None if the copy was
    cancelled (the document went away).
    """

    def __init__(self, parent: QObject | None = None, budget_ms: float = BUDGET_MS) -> None:
        super().__init__(parent)
        self._budget = budget_ms / 1000
        self._copies: list[_Copy] = []
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    def copy(self, document: QTextDocument, then: Callable[[Pieces | None], None]) -> None:
        """Copy `document`'s text and call `then` with the pieces (at once for a short text)."""
        if document.characterCount() <= SYNC_CHARS:
            then([copy_range(document, 0, document.characterCount() - 1)])
            return
        self._copies.append(_Copy(self, document, then))
        self._timer.start()

    def busy(self) -> bool:
        """True while a copy is under way."""
        return bool(self._copies)

    def _step(self) -> None:
        if not self._copies:
            self._timer.stop()
            return
        copy = self._copies[0]
        if not shiboken6.isValid(copy.document):
            self._end(copy, None)
            return
        if copy.step(self._budget):
            self._end(copy, copy.pieces)

    def _end(self, copy: _Copy, pieces: Pieces | None) -> None:
        self._copies.remove(copy)
        copy.detach()
        if not self._copies:
            self._timer.stop()
        try:
            copy.then(pieces)
        except Exception:  # noqa: BLE001 - one caller's error must not stop the others
            log.exception("Text copy consumer failed")

    def finish_all(self) -> None:
        """Complete every copy now (the document is about to be replaced)."""
        while self._copies:
            copy = self._copies[0]
            if not shiboken6.isValid(copy.document):
                self._end(copy, None)
                continue
            copy.step(float("inf"))
            self._end(copy, copy.pieces)
