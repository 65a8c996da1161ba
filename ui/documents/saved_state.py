"""Typing "x" then Backspace is no change: the document is unmodified again, as in other editors.

Qt counts every edit since the save, even edits that cancel out. Comparing the whole text with
the saved one on each key would cost a 20 MB copy per key, so only the block the writer started
editing is kept (its saved text, taken while the document was still unmodified); while every
edit stays inside that stretch, and the length is back to the saved length, that stretch alone
is compared. Edits anywhere else (a Replace All, a rewrite elsewhere) leave the document modified.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject
from PySide6.QtGui import QTextCursor

MAX_BLOCK_CHARS = 100_000  # a longer line is not kept (its copy would cost on every move)


class SavedState(QObject):
    """Marks the editor's document unmodified when the edits since the save cancel out."""

    def __init__(self, editor) -> None:
        super().__init__(editor)
        self.editor = editor
        self._document = None
        self._shadow: tuple[int, str] | None = None  # (start, saved text) of the cursor's block
        self._stretch: tuple[int, str] | None = None  # (start, saved text) being edited
        self._end = 0  # where the edited stretch ends now
        self._saved_length = 0
        editor.cursorPositionChanged.connect(self._take_shadow)
        editor.edited.connect(self._on_edited)
        self.reset()

    def reset(self) -> None:
        """The document was just loaded or saved (or replaced): start from here."""
        self._watch(self.editor.document())
        self._stretch = None
        self._take_shadow()

    def _watch(self, document) -> None:
        if document is self._document:
            return
        if self._document is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # the old document is gone
                self._document.modificationChanged.disconnect(self._on_modification)
        self._document = document
        document.modificationChanged.connect(self._on_modification)

    def _on_modification(self, modified: bool) -> None:
        if not modified:  # saved, or undone back to the save
            self._stretch = None
            self._take_shadow()

    def _take_shadow(self) -> None:
        document = self.editor.document()
        if document.isModified() or self._stretch is not None:
            return
        block = self.editor.textCursor().block()
        text = block.text()
        if len(text) > MAX_BLOCK_CHARS:
            self._shadow = None
            return
        self._shadow = (block.position(), text)
        self._saved_length = document.characterCount()

    def _on_edited(self, _revision: int, position: int, removed: int, added: int) -> None:
        document = self.editor.document()
        self._watch(document)
        if self._stretch is None:
            shadow = self._shadow
            if shadow is None or not (
                shadow[0] <= position and position + removed <= shadow[0] + len(shadow[1])
            ):
                self._shadow = None  # an edit outside the kept block: leave it modified
                return
            self._stretch = shadow
            self._end = shadow[0] + len(shadow[1])
        start, saved = self._stretch
        if not (start <= position and position + removed <= self._end):
            self._stretch = self._shadow = None
            return
        self._end += added - removed
        if document.characterCount() != self._saved_length or not document.isModified():
            return
        cursor = QTextCursor(document)
        cursor.setPosition(start)
        cursor.setPosition(self._end, QTextCursor.MoveMode.KeepAnchor)
        if cursor.selectedText().replace("\u2029", "\n") == saved:
            document.setModified(False)
