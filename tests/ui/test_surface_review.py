"""The surface closes the review dock when it has nothing true left to say (clicks)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.rewrite import test_controller as controller_tests
from tests.ui.rewrite.test_controller import CASUAL, TEXT, put_cursor_in, wait_end

# The fixtures: the faithful stand-in rewrite model (these flows need a proposal to review;
# whether the 135M model's passes the guard is not the point here), a window using it.
faithful_host = controller_tests.faithful_host
win = controller_tests.faithful_win


def _finished_job(qtbot, win, action="formal"):
    ui = win.rewrite_ui
    put_cursor_in(win.editor, CASUAL)
    job = ui.run_action(action)
    assert ui.review_dock.isVisible()
    wait_end(qtbot, ui, job)
    qtbot.waitUntil(lambda: ui.panel.insert_button.isEnabled(), timeout=5000)
    return ui, job


def test_undo_after_replace_closes_the_stale_review(qtbot, win):
    ui, job = _finished_job(qtbot, win)
    qtbot.mouseClick(ui.panel.replace_button, Qt.MouseButton.LeftButton)
    assert win.editor.toPlainText() != TEXT
    assert "Replaced" in ui.panel.message.text()  # true until the text changes again
    qtbot.keyClick(win.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.editor.toPlainText() == TEXT
    assert not ui.review_dock.isVisible()
    assert "Replaced" not in ui.panel.message.text()


def test_discard_closes_the_review_instead_of_leaving_it_empty(qtbot, win):
    ui, job = _finished_job(qtbot, win)
    qtbot.mouseClick(ui.panel.discard_button, Qt.MouseButton.LeftButton)
    assert ui.panel.job_id is None
    assert not ui.review_dock.isVisible()
    assert win.editor.toPlainText() == TEXT
