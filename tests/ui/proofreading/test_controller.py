"""Proofreading in the real window with the real Harper: underlines, menu, F7, toggle, dictionary."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu

from desktop_app.settings import load_settings
from tests.ui.proofreading.conftest import TIMEOUT, underlined, wait_checked


def _point_at(editor, text: str) -> QPoint:
    """The viewport point in the middle of the first occurrence of `text`."""
    cursor = QTextCursor(editor.document())
    cursor.setPosition(editor.toPlainText().index(text) + len(text) // 2)
    return editor.cursorRect(cursor).center()


def _menu_for(window, text: str) -> QMenu:
    menu = QMenu()
    window.proofreading.extend_context_menu(menu, _point_at(window.editor, text))
    return menu


def _entry(menu: QMenu, name: str):
    return [a for a in menu.actions() if a.objectName() == name]


def test_underlines_appear_and_vanish_as_text_is_fixed_without_touching_the_document(
    qtbot, open_window
):
    window = open_window()
    editor = window.editor
    qtbot.keyClicks(editor, "We went to the libary on Monday.")
    qtbot.waitUntil(lambda: underlined(window) == ["libary"], timeout=TIMEOUT)
    (selection,) = [s for s in editor.extraSelections()]
    style = selection.format.underlineStyle()
    assert style == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
    # Drawn over the text only: no format in the document, nothing on the undo stack.
    block = editor.document().firstBlock()
    assert all(not r.format.fontUnderline() for r in block.layout().formats())
    undo_steps = editor.document().availableUndoSteps()
    revision = editor.revision
    window.proofreading.refresh()
    assert editor.document().availableUndoSteps() == undo_steps and editor.revision == revision
    assert window.status.proofread_label.text() == "1 issue"

    cursor = editor.textCursor()
    start = editor.toPlainText().index("libary")
    cursor.setPosition(start + 3)  # between "lib" and "ary": the fix is typed by hand
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "r")
    assert underlined(window) == []  # the edited paragraph loses its finding at once
    wait_checked(qtbot, window)
    assert "library" in editor.toPlainText() and underlined(window) == []
    assert window.status.proofread_label.text() == "No issues"


def test_a_grammar_issue_gets_its_own_colour(qtbot, open_window):
    window = open_window()
    window.editor.setPlainText("The libary is is open.")
    wait_checked(qtbot, window)
    colours = {
        s.cursor.selectedText(): s.format.underlineColor().name()
        for s in window.editor.extraSelections()
    }
    assert set(colours) == {"libary", "is is"}
    assert colours["libary"] != colours["is is"]


def test_a_name_used_three_times_is_not_flagged(qtbot, open_window):
    window = open_window()
    window.editor.setPlainText(
        "Yesterday Eilidh went home. I asked Eilidh about it.\nLater we saw Eilidh at the libary."
    )
    wait_checked(qtbot, window)
    assert underlined(window) == ["libary"]


def test_a_suggestion_replaces_the_word_as_one_undo_step(qtbot, open_window):
    window = open_window()
    editor = window.editor
    text = "The libary opens at nine."
    editor.setPlainText(text)
    wait_checked(qtbot, window)
    menu = _menu_for(window, "libary")
    suggestions = _entry(menu, "issueSuggestion")
    assert suggestions and _entry(menu, "issueMessage") and _entry(menu, "issueIgnore")
    assert menu.actions().index(suggestions[0]) == 0  # the issue's entries come first
    chosen = next(a for a in suggestions if a.text() == "library")
    chosen.trigger()
    assert editor.toPlainText() == "The library opens at nine."
    editor.undo()
    assert editor.toPlainText() == text


def test_ignore_hides_the_issue_in_this_document_only(qtbot, open_window):
    window = open_window()
    window.editor.setPlainText("A flurble here and a flurble there, and a libary.")
    wait_checked(qtbot, window)
    assert underlined(window) == ["flurble", "flurble", "libary"]
    menu = _menu_for(window, "flurble")
    _entry(menu, "issueIgnore")[0].trigger()
    assert underlined(window) == ["libary"]
    wait_checked(qtbot, window)
    assert underlined(window) == ["libary"]
    window.editor.document().setModified(False)
    window.new_document()
    window.editor.setPlainText("One more flurble.")
    wait_checked(qtbot, window)
    assert underlined(window) == ["flurble"]  # a new document has its own ignore list


def test_add_to_dictionary_persists_across_a_new_window(qtbot, open_window):
    from desktop_app.proofreading.dictionary import PersonalDictionary

    text = "The zorblax sat in the libary."
    first = open_window()
    first.editor.setPlainText(text)
    wait_checked(qtbot, first)
    assert underlined(first) == ["zorblax", "libary"]
    menu = _menu_for(first, "zorblax")
    _entry(menu, "issueAddToDictionary")[0].trigger()
    assert underlined(first) == ["libary"]
    path = PersonalDictionary().path
    qtbot.waitUntil(lambda: path.exists(), timeout=TIMEOUT)
    assert "zorblax" in json.loads(path.read_text(encoding="utf-8"))["words"]

    second = open_window()  # a new window reads the dictionary from the config dir
    second.editor.setPlainText(text)
    wait_checked(qtbot, second)
    assert underlined(second) == ["libary"]


def test_a_stale_lint_is_never_painted(qtbot, open_window):
    """The paragraph is edited after the checker linted it but before the result arrives."""
    import threading

    window = open_window()
    editor, ui = window.editor, window.proofreading
    editor.setPlainText("Intro line.\nThe libary is shut.")
    wait_checked(qtbot, window)
    ui.session._checker.ignore("nothing")  # any context change makes the checker re-filter
    produced = threading.Event()
    checker = ui.session._checker
    deliver = checker._on_result
    checker._on_result = lambda result: (deliver(result), produced.set())
    delivered = []
    ui.session.result.connect(lambda result: delivered.append(result))
    ui.check_now()
    assert produced.wait(TIMEOUT / 1000)  # linted; its result waits in the GUI's queue
    cursor = QTextCursor(editor.document().findBlockByNumber(1))
    cursor.insertText("Now ")  # the paragraph changes before the result is delivered
    qtbot.waitUntil(lambda: bool(delivered), timeout=TIMEOUT)
    ui.refresh()
    assert delivered[0].text == "The libary is shut."  # the stale one did arrive…
    assert underlined(window) == []  # …and was not painted
    wait_checked(qtbot, window)
    assert underlined(window) == ["libary"]  # the fresh result lands on the word itself


def test_underlines_follow_the_document_even_before_the_block_copy_hears_of_an_edit(
    qtbot, open_window
):
    """A repaint that runs before the block copy is updated (signal order) paints nothing wrong."""
    window = open_window()
    editor, ui = window.editor, window.proofreading
    editor.setPlainText("Intro line.\nThe libary is shut.")
    wait_checked(qtbot, window)
    assert underlined(window) == ["libary"]
    editor.blockSignals(True)  # the edit below reaches no one: the copy still has the old lines
    QTextCursor(editor.document()).insertText("A new first line.\n")
    editor.blockSignals(False)
    ui.refresh()
    assert underlined(window) in ([], ["libary"])  # never a stretch of some other line


def test_f7_moves_to_the_next_issue_and_wraps_round(qtbot, open_window):
    window = open_window()
    editor = window.editor
    editor.setPlainText("First the libary.\nA clean line.\nThen the tomorow.")
    wait_checked(qtbot, window)
    editor.moveCursor(QTextCursor.MoveOperation.Start)
    seen = []
    for _ in range(3):
        qtbot.keyClick(editor, Qt.Key.Key_F7)
        seen.append(editor.textCursor().selectedText())
    assert seen == ["libary", "tomorow", "libary"]


def test_the_toggle_is_remembered_and_clears_the_underlines(qtbot, open_window):
    window = open_window()
    window.editor.setPlainText("The libary.")
    wait_checked(qtbot, window)
    assert underlined(window) == ["libary"]
    ui = window.proofreading
    assert ui.toggle_action in window.view_menu.actions() and ui.toggle_action.isChecked()
    ui.toggle_action.trigger()
    assert underlined(window) == [] and not window.status.proofread_label.isVisible()
    assert window.settings_writer.flush()
    settings = load_settings()
    assert settings.proofreading.enabled is False
    again = open_window(settings)
    assert not again.proofreading.toggle_action.isChecked()
    again.editor.setPlainText("The libary.")
    assert not again.proofreading._check_timer.isActive()  # nothing is sent while off
    again.proofreading.check_now()
    assert again.proofreading.issues.count == 0 and underlined(again) == []
    again.proofreading.toggle_action.trigger()
    qtbot.waitUntil(lambda: underlined(again) == ["libary"], timeout=TIMEOUT)


def test_an_edit_undone_before_the_pause_brings_its_underline_back(qtbot, open_window):
    window = open_window()
    editor = window.editor
    editor.setPlainText("The libary is shut.")
    wait_checked(qtbot, window)
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, "x")
    assert underlined(window) == []
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)  # the text is as the checker last saw it
    wait_checked(qtbot, window)
    assert underlined(window) == ["libary"]


def test_turning_checking_off_and_on_again_brings_the_underlines_back(qtbot, open_window):
    window = open_window()
    window.editor.setPlainText("The libary is is shut.")
    wait_checked(qtbot, window)
    assert underlined(window) == ["libary", "is is"]
    ui = window.proofreading
    ui.set_enabled(False)
    assert underlined(window) == []
    ui.set_enabled(True)
    qtbot.waitUntil(lambda: underlined(window) == ["libary", "is is"], timeout=TIMEOUT)


def test_the_word_being_typed_is_not_underlined_until_the_writer_goes_on(qtbot, open_window):
    window = open_window()
    editor = window.editor
    qtbot.keyClicks(editor, "We saw the libary")  # the cursor is at the end of the word
    wait_checked(qtbot, window)
    assert window.proofreading.issues.count == 1 and underlined(window) == []
    qtbot.keyClicks(editor, " and")
    wait_checked(qtbot, window)
    assert underlined(window) == ["libary"]
