"""Fix Grammar and Spelling with Harper through the review panel: ticks, Replace, one undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from tests.ui.proofreading.conftest import TIMEOUT

PARAGRAPH = "She recieved the libary book yesterday."
TEXT = f"Intro stays as it is.\n{PARAGRAPH}\nThe last line has a tomorow in it."


def _review(qtbot, window, whole: bool = False):
    ui = window.proofreading
    review_id = window.rewrite_ui.run_action("grammar", whole_document=whole)  # Harper, no model
    assert review_id is not None and review_id < 0
    qtbot.waitUntil(lambda: ui.fixes.reviews[review_id].plan is not None, timeout=TIMEOUT)
    return review_id, ui.fixes.reviews[review_id].plan


def test_fix_grammar_on_a_paragraph_goes_through_review_and_replace_is_one_undo_step(
    qtbot, open_window
):
    window = open_window()
    editor = window.editor
    editor.setPlainText(TEXT)
    cursor = editor.textCursor()
    cursor.setPosition(TEXT.index(PARAGRAPH) + 4)
    editor.setTextCursor(cursor)
    review_id, plan = _review(qtbot, window)
    panel, fix_list = window.rewrite_ui.panel, window.proofreading.fixes.fix_list
    assert window.rewrite_ui.queue.jobs() == []  # no language-model job
    assert panel.job_id == review_id and window.rewrite_ui.review_dock.isVisible()
    assert fix_list.isVisible() and fix_list.list.count() >= 2
    olds = [fix.old for fix in plan.fixes]
    assert "recieved" in olds and "libary" in olds and all(f.reason for f in plan.fixes)
    assert editor.toPlainText() == TEXT  # nothing changes before Replace
    assert "received" in panel.proposal_text() and "library" in panel.proposal_text()

    fix_list.set_ticked(olds.index("libary"), False)  # the writer keeps this word
    assert "libary" in panel.proposal_text() and "received" in panel.proposal_text()
    qtbot.mouseClick(panel.replace_button, Qt.MouseButton.LeftButton)
    fixed = TEXT.replace("recieved", "received")
    assert editor.toPlainText() == fixed  # the other lines and the unticked fix untouched
    assert "Replaced" in panel.message.text()
    editor.undo()
    assert editor.toPlainText() == TEXT  # one undo step brings the original back


def test_an_issue_with_several_suggestions_is_left_open(qtbot, open_window):
    window = open_window()
    window.editor.setPlainText("Their going to the park.")
    _review_id, plan = _review(qtbot, window, whole=True)
    listed = [
        window.proofreading.fixes.fix_list.list.item(i).text()
        for i in range(window.proofreading.fixes.fix_list.list.count())
    ]
    assert len(listed) == len(plan.fixes) + len(plan.open)
    assert all(text.startswith("Open: ") for text in listed[len(plan.fixes) :])


def test_a_target_edited_during_review_is_checked_again_not_patched_blindly(qtbot, open_window):
    window = open_window()
    editor = window.editor
    editor.setPlainText(PARAGRAPH)
    review_id, _plan = _review(qtbot, window)
    cursor = QTextCursor(editor.document())
    cursor.setPosition(4)  # inside the target: "She |recieved"
    cursor.insertText("kindly ")
    ui = window.proofreading
    assert ui.fixes.replace(review_id) is False  # the offsets were for the old text
    qtbot.waitUntil(lambda: ui.fixes.reviews[review_id].plan is not None, timeout=TIMEOUT)
    assert ui.fixes.replace(review_id) is True
    assert editor.toPlainText() == "She kindly received the library book yesterday."


def test_a_model_action_still_goes_to_the_rewrite_queue(qtbot, open_window):
    window = open_window()
    window.editor.setPlainText(PARAGRAPH)
    job = window.rewrite_ui.run_action("concise")
    assert job is not None and job.action == "concise"
    window.rewrite_ui.queue.cancel(job.id)
    assert not window.proofreading.fixes.fix_list.isVisible()  # the panel shows the job now
