"""Big texts without a frozen window: filling the editor in slices between GUI events.

`setPlainText` of a 20 MB text takes about a second on the GUI thread. So a big text goes into a
fresh, empty document a few milliseconds at a time between GUI events (the word counts that go
with it live in `desktop_app.documents.word_count`).
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QFont, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout

from desktop_app.documents.word_count import has_altered_characters, text_slices

log = logging.getLogger(__name__)

# Above this many characters a text is laid out in a worker (setPlainText: ~50 ms per MB here).
LARGE_TEXT_CHARS = 1_000_000


def new_plain_document(font: QFont, margin: float) -> QTextDocument:
    """An empty document ready for a QPlainTextEdit (it needs the plain-text layout)."""
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setDocumentMargin(margin)
    document.setDocumentLayout(QPlainTextDocumentLayout(document))
    return document


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
