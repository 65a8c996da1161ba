"""Big texts without a frozen window: filling the editor in slices, incremental word counts.

`setPlainText` of a 20 MB text takes about a second on the GUI thread, and counting its words
another half second. So a big text goes into a fresh, empty document a few milliseconds at a
time between GUI events, and word counts are kept per block and updated from each change's
range, so nothing on the keystroke path scans the whole text. `Background` runs other slow work
(diffs, recovery look-ups) in threads and calls back on the GUI thread.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QTextBlock, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout

log = logging.getLogger(__name__)

# Above this many characters a text is laid out in a worker (setPlainText: ~50 ms per MB here).
LARGE_TEXT_CHARS = 1_000_000
# The characters QTextCursor.insertText turns into block (paragraph) breaks.
_BLOCK_BREAK = re.compile("[\n\r\u2029\ufdd0\ufdd1]")
_SLICE = 1 << 16  # characters inserted at a time: ~3 ms here


def block_word_counts(text: str) -> list[int]:
    """Words in each block the text makes in a QTextDocument (split as `count_words` does)."""
    counts: list[int] = []
    for _piece, piece_counts in text_slices(text, _SLICE * 16):
        counts.extend(piece_counts)
    return counts


def text_slices(text: str, size: int = _SLICE) -> Iterator[tuple[str, list[int]]]:
    """Cut `text` after line breaks into pieces of about `size`, each with its blocks' word counts.

    Joining the count lists gives the counts of the document holding the whole text.
    """
    pos = 0
    while True:
        end = text.find("\n", pos + size) + 1  # cut after a break: no block straddles two pieces
        if end <= 0:
            piece = text[pos:]
            yield piece, [len(part.split()) for part in _BLOCK_BREAK.split(piece)]
            return
        piece = text[pos:end]
        yield piece, [len(part.split()) for part in _BLOCK_BREAK.split(piece[:-1])]
        pos = end


def has_altered_characters(text: str) -> bool:
    """Whether `text` holds a character that `QTextDocument.toPlainText()` would change."""
    return "\u00a0" in text or "\u2028" in text


def document_text(document: QTextDocument, exact: bool = True) -> str:
    """The document's exact text, with "\n" between blocks.

    `toPlainText()` turns every no-break space into a plain space and every U+2028 line
    separator into a line break, so saving would silently change the writer's text; it is used
    only when the caller knows (`exact=False`) that neither occurs, as it saves a 20 MB replace.
    """
    if not exact:
        return document.toPlainText()
    return document.toRawText().replace("\u2029", "\n")


def new_plain_document(font: QFont, margin: float) -> QTextDocument:
    """An empty document ready for a QPlainTextEdit (it needs the plain-text layout)."""
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setDocumentMargin(margin)
    document.setDocumentLayout(QPlainTextDocumentLayout(document))
    return document


def blocks(document: QTextDocument, first: int, last: int) -> Iterator[QTextBlock]:
    """Blocks `first`..`last` (inclusive) of `document`."""
    block = document.findBlockByNumber(first)
    while block.isValid() and block.blockNumber() <= last:
        yield block
        block = block.next()


class SlicedInsert(QObject):
    """Fills a document with a big text a few milliseconds at a time, between GUI events.

    Why not a worker: PySide holds the GIL during a Qt call, and swapping a finished 20 MB
    document into the editor still relayouts every block on the GUI thread (0.1-0.4 s measured).
    Filling an attached, empty document in slices costs only the inserted blocks each time.
    `progress(fraction)` reports along the way; `done(counts)` gives the block word counts.
    """

    progress = Signal(float)
    done = Signal(object)

    def __init__(self, editor, document: QTextDocument, text: str, budget_ms: float = 8.0):
        super().__init__(editor)
        self._editor = editor
        self._document = document
        self._text = text
        self._cursor = QTextCursor(document)
        self._slices = text_slices(text)
        self._counts: list[int] = []
        self.altered = False  # a piece held characters toPlainText() would change
        self._inserted = 0
        self._budget = budget_ms / 1000
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    def start(self) -> None:
        """Begin filling (the document should be empty, with undo off)."""
        self._timer.start()

    def cancel(self) -> None:
        """Stop filling; `done` is never emitted."""
        self._timer.stop()

    def _step(self) -> None:
        started = time.perf_counter()
        # The editor's own signals (edited, cursor moves) would fire hundreds of times for
        # what is one change; the caller announces it once when done.
        blocked = self._editor.blockSignals(True)
        try:
            while time.perf_counter() - started < self._budget:
                piece = next(self._slices, None)
                if piece is None:
                    self._timer.stop()
                    self._editor.blockSignals(blocked)
                    self.done.emit(self._counts)
                    return
                self._cursor.insertText(piece[0])
                self._counts.extend(piece[1])
                self.altered = self.altered or has_altered_characters(piece[0])
                self._inserted += len(piece[0])
        finally:
            self._editor.blockSignals(blocked)
        self.progress.emit(self._inserted / max(1, len(self._text)))


class _Relay(QObject):
    done = Signal(object, object)  # callback, result (or the exception raised)


class Background(QObject):
    """Runs functions in worker threads and calls back on the GUI thread with their results.

    The relay lives as long as this object, so a result queued just before the window closes is
    simply dropped rather than delivered to a deleted object.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relay = _Relay()
        self._relay.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._threads: list[threading.Thread] = []

    def run(self, work: Callable[[], object], then: Callable[[object], None]) -> None:
        """Call `work()` in a thread, then `then(result)` on the GUI thread (result may be an
        exception instance if `work` raised)."""
        relay = self._relay

        def target() -> None:
            try:
                result: object = work()
            except Exception as exc:  # noqa: BLE001 - handed to the caller, never lost
                log.exception("background work failed")
                result = exc
            with contextlib.suppress(RuntimeError):  # the window went away meanwhile
                relay.done.emit(then, result)

        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=target, name="inkling-background", daemon=True)
        self._threads.append(thread)
        thread.start()

    @Slot(object, object)
    def _deliver(self, then: Callable[[object], None], result: object) -> None:
        then(result)

    def wait(self, timeout: float = 5.0) -> None:
        """Wait for running work (at shutdown)."""
        for thread in self._threads:
            thread.join(timeout)


class WordCounter:
    """The editor's word and character counts, kept up to date one changed range at a time.

    It also notes whether the text ever held a no-break space or line separator (see
    `document_text`), so that the exact text can be had at the cheaper price when it did not.
    """

    def __init__(self, editor) -> None:
        self._editor = editor
        self._document: QTextDocument | None = None
        self._counts: list[int] = []
        self._total = 0
        self.paused = False  # while a caller replaces the whole text and will `reset` after
        self.altered = False  # the text may hold characters toPlainText() would change
        editor.edited.connect(self._on_edited)
        self.reset(editor.document())

    def reset(
        self, document: QTextDocument, counts: list[int] | None = None, altered: bool = True
    ) -> None:
        """Start counting `document`, whose per-block counts may be given, with `altered` saying
        whether its text has characters `toPlainText()` would change."""
        if counts is None or len(counts) != document.blockCount():
            texts = [b.text() for b in blocks(document, 0, document.blockCount())]
            counts = [len(t.split()) for t in texts]
            altered = any(has_altered_characters(t) for t in texts)
        self.altered = altered
        self._document = document
        self._counts = counts
        self._total = sum(counts)

    def text(self) -> str:
        """The document's exact text (see `document_text`)."""
        return document_text(self._editor.document(), exact=self.altered)

    @property
    def words(self) -> int:
        """Words in the document."""
        return self._total

    @property
    def chars(self) -> int:
        """Characters in the document (as `len(toPlainText())`)."""
        return max(0, self._document.characterCount() - 1) if self._document else 0

    def _on_edited(self, _revision: int, position: int, _removed: int, added: int) -> None:
        document = self._editor.document()
        if self.paused or document is not self._document:
            return
        total_blocks = document.blockCount()
        delta = total_blocks - len(self._counts)
        first = document.findBlock(position).blockNumber()
        end = document.findBlock(position + added)
        last = end.blockNumber() if end.isValid() else total_blocks - 1
        if first < 0:
            first = total_blocks - 1
        old_last = last - delta
        if old_last < first - 1 or old_last >= len(self._counts):
            self.reset(document)  # a change we cannot place: recount (never happens in tests)
            return
        texts = [b.text() for b in blocks(document, first, last)]
        if not self.altered:
            self.altered = any(has_altered_characters(t) for t in texts)
        fresh = [len(t.split()) for t in texts]
        self._total += sum(fresh) - sum(self._counts[first : old_last + 1])
        self._counts[first : old_last + 1] = fresh
