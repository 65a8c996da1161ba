"""Edits that cancel out leave the document unmodified, as in other editors."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.test_main_window import open_and_wait, save_and_wait


def _opened(qtbot, window, tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text("The first line.\nThe second line.\n", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    editor = window.editor
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.setPosition(len("The first"))
    editor.setTextCursor(cursor)
    return editor


def test_x_then_backspace_is_no_change(qtbot, window, tmp_path):
    editor = _opened(qtbot, window, tmp_path)
    qtbot.keyClick(editor, Qt.Key.Key_X)
    assert window.isWindowModified()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert not editor.document().isModified()
    assert not window.isWindowModified()
    # Longer detours come back too: a word, a new line, all taken back.
    qtbot.keyClicks(editor, " very")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.document().isModified()
    for _ in range(len(" very") + 1):
        qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert not editor.document().isModified()
    qtbot.keyClick(editor, Qt.Key.Key_Y)  # and a real change is still a change
    assert editor.document().isModified()


def test_the_same_length_with_other_text_stays_modified(qtbot, window, tmp_path):
    editor = _opened(qtbot, window, tmp_path)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)  # "The firs line."
    qtbot.keyClick(editor, Qt.Key.Key_Z)  # "The firsz line.": as long as the saved text
    assert editor.document().isModified()


def test_after_a_save_the_saved_text_is_the_reference(qtbot, window, tmp_path):
    editor = _opened(qtbot, window, tmp_path)
    qtbot.keyClick(editor, Qt.Key.Key_X)
    save_and_wait(qtbot, window)
    assert not editor.document().isModified()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert editor.document().isModified()  # the saved text has the x
    qtbot.keyClick(editor, Qt.Key.Key_X)
    assert not editor.document().isModified()
