"""The surface around the editor: the first page, focus mode, session count, each file's place."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop_app.settings import load_settings
from desktop_app.view_memory import MAX_FILE_VIEWS
from tests.ui.test_main_window import open_and_wait

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _inked(image) -> int:
    """How many pixels differ clearly from the page's colour (text, placeholder)."""
    base = QColor(image.pixel(2, 2))
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = QColor(image.pixel(x, y))
            if abs(pixel.lightness() - base.lightness()) > 40:
                count += 1
    return count


def test_an_empty_document_teaches_quietly_until_the_first_key(qtbot, window):
    editor = window.editor
    hint = editor.placeholderText()
    assert "Tab" in hint and "Rewrite" in hint and "pause" in hint.lower()
    editor.setFocus()
    empty = _inked(editor.viewport().grab().toImage())
    qtbot.keyClick(editor, Qt.Key.Key_A)
    typed = _inked(editor.viewport().grab().toImage())
    assert empty > 20 * max(typed, 1)  # the instructions were drawn; one letter is not that


def test_focus_mode_shows_the_page_only_and_keeps_the_line_mid_window(qtbot, window):
    editor = window.editor
    editor.setPlainText("\n".join(f"Line {n} of a long draft." for n in range(400)))
    window.activateWindow()
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClick(editor, Qt.Key.Key_D, CTRL_SHIFT)
    assert window.surface.focus.active and window.surface.focus_action.isChecked()
    assert not window.menuBar().isVisible() and not window.statusBar().isVisible()
    cursor = editor.textCursor()
    cursor.setPosition(editor.document().findBlockByNumber(200).position())
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "typed ")
    middle = editor.viewport().height() / 2
    assert abs(editor.cursorRect().center().y() - middle) <= editor.fontMetrics().height()
    qtbot.keyClick(editor, Qt.Key.Key_D, CTRL_SHIFT)  # its key works with the menus hidden
    assert not window.surface.focus.active
    assert window.menuBar().isVisible() and window.statusBar().isVisible()


def test_the_session_count_sits_beside_the_documents(qtbot, window):
    editor = window.editor
    qtbot.keyClicks(editor, "one two three ")
    label = window.status.session_label
    qtbot.waitUntil(lambda: label.text() == "+3 this session", timeout=5000)
    assert "3 words" in window.status.counts_label.text()


def test_each_file_reopens_where_the_writer_left_it(qtbot, window, tmp_path):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("".join(f"Paragraph {n} of the first file.\n" for n in range(600)))
    second.write_text("A short second file.\n")
    open_and_wait(qtbot, window, first)
    editor = window.editor
    editor.set_zoom(3)
    cursor = editor.textCursor()
    cursor.setPosition(editor.document().findBlockByNumber(450).position() + 4)
    editor.setTextCursor(cursor)
    editor.centerCursor()
    where, scroll = cursor.position(), editor.verticalScrollBar().value()
    assert scroll > 0
    open_and_wait(qtbot, window, second)
    qtbot.waitUntil(lambda: window.file.path == second)
    assert editor.textCursor().position() == 0
    open_and_wait(qtbot, window, first)
    qtbot.waitUntil(lambda: editor.textCursor().position() == where, timeout=5000)
    assert editor.verticalScrollBar().value() == scroll
    assert editor.zoom == 3
    window.close()  # the places are kept in the settings file, and the list stays short
    window.settings_writer.flush()
    views = load_settings().file_views
    assert [v["path"] for v in views][:2] == [str(first), str(second)]
    assert len(views) <= MAX_FILE_VIEWS
