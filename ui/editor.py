"""The writing surface: a plain-text editor with inline ghost-text suggestions.

Ghost text is drawn through the block layout's *preedit area*, the mechanism Qt uses for input-method
compositions: it is laid out and wrapped with the real text, dimmed, and never enters the document,
so it is never saved, copied, found, counted or put on the undo stack.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPalette,
    QTextCharFormat,
    QTextDocument,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from ui.page import spaced_document

BASE_POINT_SIZE = 12
MIN_ZOOM, MAX_ZOOM = -6, 16
MAX_LINE_CHARS = 80  # the text column never grows wider than this many average characters
SIDE_MARGIN = 24

_MODIFIER_KEYS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_AltGr,
}
_FIRST_WORD = re.compile(r"\s*\S+")


def next_word(text: str) -> str:
    """The leading whitespace and first word of `text` (what Ctrl+Right accepts)."""
    match = _FIRST_WORD.match(text)
    return match.group(0) if match else text


def _shifted(ranges, at: int, by: int) -> list:
    """Format ranges with `by` characters made (or, negative, taken) at position `at`."""
    out = []
    for r in ranges:
        moved = QTextLayout.FormatRange()
        moved.format, moved.start, moved.length = r.format, r.start, r.length
        if r.start >= at:
            moved.start = max(at, r.start + by)
        elif r.start + r.length > at:
            moved.length = max(0, r.length + by)  # spans the ghost: it covers it too
        out.append(moved)
    return out


class Editor(QPlainTextEdit):
    """A `QPlainTextEdit` with soft wrap, a centred text column and ghost-text suggestions."""

    #: The document changed: (revision, position of the change, chars removed, chars added).
    edited = Signal(int, int, int, int)
    #: The writer took (part of) the suggestion: (text inserted, whole suggestion taken).
    ghost_accepted = Signal(str, bool)
    #: The writer typed the suggestion's next characters (the rest stays shown).
    ghost_typed_through = Signal(str)
    #: The suggestion went away because of the writer (Esc, click, cursor move, selection).
    ghost_dismissed = Signal()
    zoom_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ghost_format = QTextCharFormat()
        self.revision = 0
        self._ghost = ""
        self._ghost_block = None
        self._typing = False
        self.ghost_edit = False  # True while the editor itself inserts (part of) a suggestion
        self._zoom = 0
        self.base_point_size = BASE_POINT_SIZE  # the page's size before zoom (Preferences)
        self.column_chars = MAX_LINE_CHARS
        self.line_spacing = 1.0  # read by ui.page.SpacedLayout
        self.setDocument(spaced_document(self))
        self._ghost_offset = 0
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabChangesFocus(False)
        self.setCenterOnScroll(False)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        font.setPointSize(BASE_POINT_SIZE)
        font.setStyleHint(QFont.StyleHint.SansSerif)
        self.setFont(font)
        # The font the margins are measured with: set before `setFont`, whose relayout resizes
        # the viewport and comes back to `_update_margins` while `font()` is still the old one.
        self._column_font = QFont(font)
        self.page_font = QFont(font)  # the page's family (Preferences); its size is zoomed
        # The margins around the text column are part of the page, not window chrome.
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self.document().setDocumentMargin(16)
        self.document().setModified(False)  # a margin change counts as a modification in Qt
        self._update_ghost_colour()
        self.document().contentsChange.connect(self._on_contents_change)
        self.cursorPositionChanged.connect(self._on_cursor_moved)
        self.selectionChanged.connect(self._on_selection_changed)

    # ----------------------------------------------------------------- appearance
    def _update_ghost_colour(self) -> None:
        text = self.palette().color(QPalette.ColorRole.Text)
        base = self.palette().color(QPalette.ColorRole.Base)
        # Halfway between text and background: readable, clearly not part of the document.
        mixed = QColor(
            (text.red() + base.red()) // 2,
            (text.green() + base.green()) // 2,
            (text.blue() + base.blue()) // 2,
        )
        self._ghost_format.setForeground(mixed)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._update_ghost_colour()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Margins first: Qt lays the text out for the viewport's width inside resizeEvent.
        # (The viewport's own resize comes back here too, so always measure the whole widget.)
        self._update_margins()
        super().resizeEvent(event)

    def _update_margins(self, width: int | None = None, font: QFont | None = None) -> None:
        metrics = QFontMetrics(font or self._column_font)
        column = metrics.averageCharWidth() * self.column_chars
        width = self.width() if width is None else width
        spare = width - column - self.verticalScrollBar().sizeHint().width()
        side = max(SIDE_MARGIN, spare // 2)
        self.setViewportMargins(side, 0, side, 0)

    @property
    def zoom(self) -> int:
        """Zoom steps from the default size (one step is one point)."""
        return self._zoom

    def set_zoom(self, steps: int) -> None:
        """Set the zoom in steps from the default font size."""
        steps = max(MIN_ZOOM, min(MAX_ZOOM, steps))
        font = QFont(self.page_font)
        font.setPointSize(max(1, self.base_point_size + steps))
        self._column_font = QFont(font)
        self._update_margins(font=font)
        self.setFont(font)
        self._zoom = steps
        self.zoom_changed.emit(steps)

    # ----------------------------------------------------------------- ghost text
    def ghost_text(self) -> str:
        """The suggestion now shown after the cursor ("" when none)."""
        return self._ghost

    def show_ghost(self, text: str) -> None:
        """Show `text` as ghost text right after the cursor (replacing any shown)."""
        if self.textCursor().hasSelection():
            text = ""
        if text == self._ghost and self._ghost_block == self.textCursor().block():
            return
        self._clear_preedit()
        self._ghost = text
        if text:
            self._paint_preedit()

    def clear_ghost(self) -> None:
        """Remove the ghost text without telling anyone (the engine asked for it)."""
        self._clear_preedit()
        self._ghost = ""

    def dismiss_ghost(self) -> None:
        """Remove the ghost text because of the writer, and say so."""
        if self._ghost:
            self.clear_ghost()
            self.ghost_dismissed.emit()

    def _paint_preedit(self) -> None:
        cursor = self.textCursor()
        block = cursor.block()
        layout = block.layout()
        offset = cursor.position() - block.position()
        layout.setPreeditArea(offset, self._ghost)
        fmt = QTextLayout.FormatRange()
        fmt.start = offset
        fmt.length = len(self._ghost)
        fmt.format = self._ghost_format
        # The highlighter's formats stay (moved past the ghost, as Qt's own highlighter does
        # for a preedit); the ghost's colour goes over them.
        layout.setFormats([*_shifted(layout.formats(), offset, len(self._ghost)), fmt])
        self._ghost_block, self._ghost_offset = block, offset
        self.document().markContentsDirty(block.position(), block.length())
        self.viewport().update()

    def _clear_preedit(self) -> None:
        block = self._ghost_block
        self._ghost_block = None
        if block is None or not block.isValid():
            return
        layout = block.layout()
        length = len(layout.preeditAreaText())
        layout.setPreeditArea(-1, "")
        kept = [
            r
            for r in layout.formats()
            if not (r.start == self._ghost_offset and r.format == self._ghost_format)
        ]
        layout.setFormats(_shifted(kept, self._ghost_offset, -length))
        self.document().markContentsDirty(block.position(), block.length())
        self.viewport().update()

    def accept_ghost(self, whole: bool = True) -> str:
        """Insert the whole suggestion (or its next word) as one undo step; return it."""
        if not self._ghost:
            return ""
        taken = self._ghost if whole else next_word(self._ghost)
        rest = self._ghost[len(taken) :]
        self._clear_preedit()
        self._ghost = ""
        self._typing = self.ghost_edit = True
        cursor = self.textCursor()
        try:
            # An edit block of its own, so Undo takes back exactly what was accepted.
            cursor.beginEditBlock()
            cursor.insertText(taken)
            cursor.endEditBlock()
            self.setTextCursor(cursor)
        finally:
            self._typing = self.ghost_edit = False
        self.ensureCursorVisible()
        if rest:
            self._ghost = rest
            self._paint_preedit()
        self.ghost_accepted.emit(taken, not rest)
        return taken

    # ----------------------------------------------------------------- input
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key, mods = event.key(), event.modifiers()
        plain = mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if self._ghost and key in _MODIFIER_KEYS:
            super().keyPressEvent(event)  # a bare Ctrl/Shift/Alt press: the chord is coming
            return
        if self._ghost:
            if key == Qt.Key.Key_Tab and plain:
                self.accept_ghost(whole=True)
                return
            if key == Qt.Key.Key_Right and mods == Qt.KeyboardModifier.ControlModifier:
                self.accept_ghost(whole=False)
                return
            if key == Qt.Key.Key_Escape and plain:
                self.dismiss_ghost()
                return
            typed = event.text()
            if typed and typed.isprintable() and self._ghost.startswith(typed):
                rest = self._ghost[len(typed) :]
                self._clear_preedit()
                self._ghost = ""
                self._typing = self.ghost_edit = True
                try:
                    super().keyPressEvent(event)
                finally:
                    self._typing = self.ghost_edit = False
                self._ghost = rest
                if rest:
                    self._paint_preedit()
                self.ghost_typed_through.emit(typed)
                return
            self.clear_ghost()
        self._typing = True
        try:
            super().keyPressEvent(event)
        finally:
            self._typing = False

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.dismiss_ghost()
        super().mousePressEvent(event)

    def inputMethodEvent(self, event) -> None:  # noqa: N802 - Qt override
        # A real input-method composition uses the same preedit area: give it the room.
        self.dismiss_ghost()
        super().inputMethodEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.dismiss_ghost()
        super().focusOutEvent(event)

    def event(self, event: QEvent) -> bool:
        # Tab must reach keyPressEvent (not focus navigation) so it can accept a suggestion.
        if event.type() == QEvent.Type.ShortcutOverride and self._ghost:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            if key_event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Escape) or key_event.matches(
                QKeySequence.StandardKey.MoveToNextWord
            ):
                event.accept()
                return True
        return super().event(event)

    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        if removed == 0 and added == 0:
            return  # a format-only change (like our own preedit relayout)
        self.revision += 1
        self.edited.emit(self.revision, position, removed, added)

    def adopt_document(self, document: QTextDocument) -> QTextDocument:
        """Show `document` (e.g. a fresh one to fill in slices) instead of ours; return the old one.

        Like `setPlainText`, this counts as one edit replacing everything (`edited` is emitted).
        The caller owns the old document and decides when to delete it.
        """
        old = self.document()
        removed = max(0, old.characterCount() - 1)
        self.clear_ghost()
        old.contentsChange.disconnect(self._on_contents_change)
        document.setDocumentMargin(old.documentMargin())
        document.setDefaultFont(self.font())
        spaced_document(self, document)
        self.setDocument(document)
        document.setModified(False)
        document.contentsChange.connect(self._on_contents_change)
        self.revision += 1
        self.edited.emit(self.revision, 0, removed, max(0, document.characterCount() - 1))
        return old

    @property
    def typing(self) -> bool:
        """True while a key press or a suggestion is being inserted."""
        return self._typing

    def _on_cursor_moved(self) -> None:
        if self._ghost and not self._typing:
            self.dismiss_ghost()

    def _on_selection_changed(self) -> None:
        if self._ghost and self.textCursor().hasSelection():
            self.dismiss_ghost()

    # ----------------------------------------------------------------- context for suggestions
    def text_before_cursor(self, max_chars: int) -> tuple[int, str]:
        """Return (start position, text) of up to `max_chars` before the cursor.

        Walks back block by block from the cursor, so its cost depends on `max_chars`, never
        on the document's size.
        """
        cursor = self.textCursor()
        block = cursor.block()
        parts = [block.text()[: cursor.position() - block.position()]]
        total = len(parts[0])
        start = cursor.position() - total
        block = block.previous()
        while block.isValid() and total < max_chars:
            text = block.text() + "\n"
            parts.append(text)
            total += len(text)
            start -= len(text)
            block = block.previous()
        text = "".join(reversed(parts))
        if len(text) > max_chars:
            cut = len(text) - max_chars
            text = text[cut:]
            start += cut
        return start, text

    def text_after_cursor_on_line(self) -> str:
        """The rest of the cursor's line (its block) after the cursor."""
        cursor = self.textCursor()
        block = cursor.block()
        return block.text()[cursor.position() - block.position() :]
