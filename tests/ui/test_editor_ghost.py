"""Ghost text with real keys: accept all, accept a word, dismiss, type through, undo.

These drive the editor alone: what the editor does with a suggestion does not depend on where
the suggestion came from (the engine and the real model are tested end to end elsewhere).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QGuiApplication, QTextCursor

from ui.editor import Editor, next_word


@pytest.fixture
def editor(qtbot):
    widget = Editor()
    qtbot.addWidget(widget)
    widget.resize(500, 300)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.keyClicks(widget, "The cat sat on the")
    return widget


def test_tab_accepts_everything_as_one_undo_step(qtbot, editor):
    editor.show_ghost(" mat and purred.")
    with qtbot.waitSignal(editor.ghost_accepted) as signal:
        qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert signal.args == [" mat and purred.", True]
    assert editor.toPlainText() == "The cat sat on the mat and purred."
    assert editor.ghost_text() == ""
    editor.undo()
    assert editor.toPlainText() == "The cat sat on the"


def test_tab_inserts_a_tab_when_nothing_is_shown(qtbot, editor):
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "The cat sat on the\t"


def test_ctrl_right_accepts_one_word_at_a_time(qtbot, editor):
    editor.show_ghost(" mat and purred.")
    qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "The cat sat on the mat"
    assert editor.ghost_text() == " and purred."
    qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "The cat sat on the mat and"
    assert editor.ghost_text() == " purred."


def test_escape_dismisses(qtbot, editor):
    editor.show_ghost(" mat.")
    with qtbot.waitSignal(editor.ghost_dismissed):
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.ghost_text() == ""
    assert editor.toPlainText() == "The cat sat on the"


def test_typing_through_keeps_the_rest(qtbot, editor):
    editor.show_ghost(" mat.")
    qtbot.keyClicks(editor, " ma")
    assert editor.toPlainText() == "The cat sat on the ma"
    assert editor.ghost_text() == "t."
    qtbot.keyClicks(editor, "p")  # a different letter drops the suggestion
    assert editor.ghost_text() == ""
    assert editor.toPlainText() == "The cat sat on the map"


def test_cursor_move_click_and_selection_dismiss(qtbot, editor):
    editor.show_ghost(" mat.")
    qtbot.keyClick(editor, Qt.Key.Key_Left)
    assert editor.ghost_text() == ""
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.show_ghost(" mat.")
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton)
    assert editor.ghost_text() == ""
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.show_ghost(" mat.")
    qtbot.keyClick(editor, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert editor.ghost_text() == ""


def test_ghost_is_never_part_of_the_text(qtbot, editor):
    editor.show_ghost(" mat and purred.")
    assert editor.toPlainText() == "The cat sat on the"
    assert editor.document().characterCount() == len("The cat sat on the") + 1
    assert editor.document().find("purred").isNull()
    # Select everything while the ghost stays on screen (a selection would normally dismiss it).
    with QSignalBlocker(editor):
        editor.selectAll()
    assert editor.ghost_text() == " mat and purred."
    editor.copy()
    assert QGuiApplication.clipboard().text() == "The cat sat on the"


def test_showing_a_ghost_puts_nothing_on_the_undo_stack(qtbot, editor):
    steps = editor.document().availableUndoSteps()
    editor.show_ghost(" mat and purred.")
    editor.clear_ghost()
    editor.show_ghost(" mat.")
    assert editor.document().availableUndoSteps() == steps
    seen = []
    while editor.document().isUndoAvailable():
        editor.undo()
        seen.append(editor.toPlainText())
    assert seen and seen[-1] == ""
    assert not any("mat" in text for text in seen)


def test_a_ghost_keeps_the_markdown_highlighting_of_its_line(qtbot, editor):
    from ui.highlighter import MarkdownHighlighter

    editor.clear()
    highlighter = MarkdownHighlighter(editor.document())
    qtbot.keyClicks(editor, "# A heading with **bold**")
    layout = editor.textCursor().block().layout()
    before = [(r.start, r.length) for r in layout.formats()]
    assert before  # the highlighter formatted the line
    editor.show_ghost(" and more")
    ranges = layout.formats()
    ghost = [r for r in ranges if r.start == len("# A heading with **bold**")]
    assert ghost and ghost[-1].length == len(" and more")
    assert [(r.start, r.length) for r in ranges if r not in ghost] == before
    editor.clear_ghost()
    assert [(r.start, r.length) for r in layout.formats()] == before
    assert highlighter.document() is editor.document()


def test_ghost_is_painted(qtbot, editor):
    blank = editor.viewport().grab().toImage()
    editor.show_ghost(" mat and a great many more words that wrap onto the next line")
    qtbot.wait(20)
    shown = editor.viewport().grab().toImage()
    assert shown != blank
    editor.clear_ghost()
    qtbot.wait(20)
    assert editor.viewport().grab().toImage() == blank


def test_next_word():
    assert next_word(" mat and") == " mat"
    assert next_word("s, then") == "s,"
    assert next_word("") == ""
