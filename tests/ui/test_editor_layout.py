"""The text column: soft-wrapped, never wider than MAX_LINE_CHARS, centred in a wide window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from ui.editor import MAX_LINE_CHARS, Editor


def test_long_lines_wrap_in_a_centred_column(qtbot):
    editor = Editor()
    qtbot.addWidget(editor)
    editor.resize(1400, 600)
    editor.show()
    qtbot.waitExposed(editor)
    editor.setPlainText("word " * 400)
    qtbot.wait(20)
    assert editor.horizontalScrollBar().maximum() == 0
    assert editor.document().firstBlock().layout().lineCount() > 5
    column = QFontMetrics(editor.font()).averageCharWidth() * MAX_LINE_CHARS
    assert editor.viewport().width() <= column + editor.verticalScrollBar().sizeHint().width()
    left = editor.viewport().geometry().left()
    right = editor.width() - editor.viewport().geometry().right()
    assert abs(left - right) < 40


def test_zoom_keeps_wrapping(qtbot):
    editor = Editor()
    qtbot.addWidget(editor)
    editor.resize(900, 600)
    editor.show()
    editor.setPlainText("word " * 400)
    editor.set_zoom(6)
    qtbot.wait(20)
    assert editor.horizontalScrollBar().maximum() == 0
    assert not editor.document().isModified()


def test_reset_zoom_gives_back_the_start_up_column(qtbot, window):
    editor = window.editor
    editor.setPlainText("word " * 4000)
    qtbot.waitUntil(editor.verticalScrollBar().isVisible)
    start = editor.viewport().width()
    for _ in range(8):
        qtbot.keyClick(editor, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert editor.zoom == 8
    qtbot.keyClick(editor, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert editor.zoom == 0
    assert editor.viewport().width() == start
    for _ in range(6):
        qtbot.keyClick(editor, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert editor.viewport().width() == start
