"""The Find dialog moves off the match it found, so the writer can see it."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QTextCursor


def _match_on_screen(editor) -> QRect:
    cursor = editor.textCursor()
    start = QTextCursor(cursor)
    start.setPosition(cursor.selectionStart())
    rect = editor.cursorRect(start).united(editor.cursorRect(cursor))
    return QRect(editor.viewport().mapToGlobal(rect.topLeft()), rect.size())


def test_the_dialog_never_covers_the_match(qtbot, window):
    editor = window.editor
    lines = [f"Line {n} of plain words." for n in range(60)]
    lines[12] = "Here the needle sits."
    lines[40] = "A second needle, further down."
    editor.setPlainText("\n".join(lines))
    dialog = window.find_dialog
    dialog.open_for(False)
    qtbot.waitExposed(dialog)
    dialog.find_edit.setText("needle")
    for _ in range(3):  # each match, and the wrap back to the first
        # Put the dialog right where the next match will be shown.
        cursor = editor.document().find("needle", editor.textCursor())
        if cursor.isNull():
            cursor = editor.document().find("needle", 0)
        target = editor.cursorRect(cursor)
        dialog.move(editor.viewport().mapToGlobal(target.topLeft()) - dialog.rect().center())
        qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Return)
        assert editor.textCursor().selectedText() == "needle"
        qtbot.waitUntil(lambda: not dialog.frameGeometry().intersects(_match_on_screen(editor)))
