"""The rewrite UI with the real bundled rewrite model and real keys: menu, review, apply, cancel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.rewrite.actions import ACTIONS
from desktop_app.rewrite.jobs import JobProgress

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
CASUAL = "hey so basically the meeting got moved to friday cuz the boss is sick, sorry lol."
OTHER = "The garden was quiet in the early morning, and the grass was wet with dew."
TEXT = f"{OTHER}\n\n{CASUAL}\n\nA last short paragraph about the weather."


@pytest.fixture(scope="module")
def host(qapp):
    from desktop_app.model_host import ModelHost
    from models.spec import ModelSpec

    host = ModelHost(models_dir=Path(os.environ["INKLING_MODELS_DIR"]))
    host.start(None, ModelSpec(kind="bundled"))
    yield host
    host.shutdown()


@pytest.fixture(scope="module")
def faithful_host(qapp):
    """A host whose rewrite model always writes a faithful proposal (see faithful.py)."""
    from desktop_app.model_host import ModelHost
    from models.spec import ModelSpec
    from tests.ui.rewrite.faithful import faithful_opener

    host = ModelHost(models_dir=Path(os.environ["INKLING_MODELS_DIR"]), opener=faithful_opener)
    host.start(None, ModelSpec(kind="bundled"))
    yield host
    host.shutdown()


@pytest.fixture
def faithful_win(qtbot, window, faithful_host):
    """The window with the faithful stand-in: for flows that need a proposal to review."""
    return _ready(qtbot, window, faithful_host)


def _ready(qtbot, window, host):
    window.start_services(model_host=host)
    qtbot.waitUntil(lambda: host.state("rewrite")[0] == "ready", timeout=60_000)
    window.activateWindow()
    qtbot.waitActive(window)
    window.editor.setFocus()
    window.editor.setPlainText(TEXT)
    return window


@pytest.fixture
def win(qtbot, window, host):
    """The window with the real bundled rewrite model."""
    return _ready(qtbot, window, host)


def put_cursor_in(editor, text: str, offset: int = 3) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(editor.toPlainText().index(text) + offset)
    editor.setTextCursor(cursor)


def wait_end(qtbot, ui, job, timeout=60_000):
    qtbot.waitUntil(lambda: job.finished, timeout=timeout)
    # The end signal is delivered on the GUI thread right after the state changes.
    qtbot.waitUntil(lambda: "running" not in (ui.job_list.state_text(job.id) or ""), timeout=5000)


def test_menu_and_context_menu_hold_every_action(win):
    ui = win.rewrite_ui
    labels = [a.text() for a in ui.menu.actions()]
    for definition in ACTIONS:
        assert definition.label in labels
        assert definition.label in [a.text() for a in ui.whole_menu.actions()]
    assert ui.actions["formal"].shortcut().toString() == "Ctrl+Shift+O"
    assert ui.menu.menuAction() in win.menuBar().actions()
    assert ui.performance_action in win.help_menu.actions()
    menu = ui.context_menu(QPoint(4, 4))
    assert ui.menu.menuAction() in menu.actions()
    assert any("Copy" in a.text() for a in menu.actions())  # the standard entries stay
    menu.deleteLater()


def test_shortcut_rewrites_paragraph_streams_then_replace_and_undo(qtbot, win):
    ui, editor = win.rewrite_ui, win.editor
    put_cursor_in(editor, CASUAL)
    partials: list[str] = []
    ui.queue.job_partial.connect(lambda _id, text: partials.append(ui.panel.proposal_text()))
    with qtbot.waitSignal(ui.queue.job_added, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_O, CTRL_SHIFT)
    job = ui.queue.jobs()[-1]
    assert job.action == "formal" and job.original == CASUAL
    assert ui.review_dock.isVisible() and ui.panel.job_id == job.id
    qtbot.waitUntil(lambda: ui.status.isVisible() and bool(ui.status.stage_text()), timeout=5000)
    wait_end(qtbot, ui, job)
    assert job.result and job.result != CASUAL
    assert any(partials)  # text streamed into the panel before the end
    assert ui.panel.proposal_text() == job.result
    assert editor.toPlainText() == TEXT  # nothing changes before the writer chooses
    assert ui.job_list.state_text(job.id) == "done"
    assert job.stats.first_token_ms is not None and job.stats.final_ms is not None
    qtbot.mouseClick(ui.panel.replace_button, Qt.MouseButton.LeftButton)
    assert editor.toPlainText() == TEXT.replace(CASUAL, job.result)
    assert ui.job_list.state_text(job.id) == "done, replaced"
    assert not ui.status.isVisible()
    assert editor.hasFocus()  # back in the text after the click
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == TEXT  # one undo step brings the original back exactly


def test_cancel_mid_stream_leaves_the_document_untouched(qtbot, win):
    ui, editor = win.rewrite_ui, win.editor
    long_text = "\n\n".join([OTHER, CASUAL] * 4)  # several chunks: still running when cancelled
    editor.setPlainText(long_text)
    job = ui.run_action("formal", whole_document=True)
    qtbot.waitUntil(lambda: bool(job.partial), timeout=30_000)
    assert len(job.chunks) > 1
    assert ui.status.job_id == job.id
    assert ui.panel.discard_button.text() == "Ca&ncel"  # the panel can stop it too
    with qtbot.waitSignal(ui.queue.job_cancelled, timeout=10_000):
        qtbot.mouseClick(ui.status.cancel_button, Qt.MouseButton.LeftButton)
    assert job.state.value == "cancelled" and job.result is None
    assert editor.toPlainText() == long_text
    assert not editor.document().isUndoAvailable()
    assert "Cancelled" in ui.panel.message.text()
    assert not ui.panel.replace_button.isEnabled()
    assert ui.panel.discard_button.text() == "&Discard"
    assert ui.job_list.state_text(job.id) == "cancelled"


def test_an_edit_to_the_target_is_detected_not_applied_blindly(qtbot, win):
    ui, editor = win.rewrite_ui, win.editor
    put_cursor_in(editor, CASUAL, offset=len(CASUAL))  # the end of the casual paragraph
    job = ui.run_action("formal")
    qtbot.keyClicks(editor, " Bring snacks.")  # the writer keeps typing in the target
    wait_end(qtbot, ui, job)
    edited_text = TEXT.replace(CASUAL, CASUAL + " Bring snacks.")
    assert "edited this text" in ui.panel.message.text()
    assert "Changed" in ui.panel.replace_button.text().replace("&", "")
    assert editor.toPlainText() == edited_text  # not applied
    qtbot.mouseClick(ui.panel.replace_button, Qt.MouseButton.LeftButton)  # the writer's choice
    assert editor.toPlainText() == TEXT.replace(CASUAL, job.result)
    editor.undo()
    assert editor.toPlainText() == edited_text  # the writer's own typing is a separate step


def _concise_then_a_new_document(win):
    """A concise job on the casual paragraph, then File → New (discarding the text)."""
    from tests.ui.conftest import answer_next_box

    ui, editor = win.rewrite_ui, win.editor
    put_cursor_in(editor, CASUAL)
    job = ui.run_action("concise")
    answer_next_box(QMessageBox.StandardButton.Discard)
    win.new_document()
    return ui, editor, job


def test_a_result_for_a_closed_document_is_never_applied(qtbot, win):
    ui, editor, job = _concise_then_a_new_document(win)
    qtbot.keyClicks(editor, "A new story.")
    wait_end(qtbot, ui, job)
    assert ui.replace(job.id) is False and ui.insert_below(job.id) is False
    assert editor.toPlainText() == "A new story."
    # Usually its next progress report stops it; a job that finished first stays unapplied.
    assert "no longer open" in ui.panel.message.text()
    assert job.state.value == "cancelled" or not ui.panel.replace_button.isEnabled()


def test_a_late_progress_report_never_hides_that_the_document_is_gone(qtbot, win):
    from desktop_app.rewrite.jobs import JobProgress

    ui, _editor, job = _concise_then_a_new_document(win)
    # A report from before the document went, delivered after: it must not paint over the end.
    ui._on_progress(job.id, JobProgress("Reading 1 paragraph"))
    assert "no longer open" in ui.panel.message.text()
    wait_end(qtbot, ui, job)
    assert "no longer open" in ui.panel.message.text()


def test_edits_elsewhere_move_the_target_and_replace_still_lands(qtbot, win):
    ui, editor = win.rewrite_ui, win.editor
    put_cursor_in(editor, CASUAL)
    job = ui.run_action("formal")
    editor.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClicks(editor, "Dawn. ")  # before the target: it moves, it is not edited
    wait_end(qtbot, ui, job)
    if job.kept_everything:  # the guard held the model's text back: nothing to replace
        assert "Nothing to replace" in ui.panel.message.text()
        assert not ui.panel.replace_button.isEnabled()
        return
    assert "Ready" in ui.panel.message.text()
    qtbot.mouseClick(ui.panel.replace_button, Qt.MouseButton.LeftButton)
    assert editor.toPlainText() == "Dawn. " + TEXT.replace(CASUAL, job.result)


def test_continue_writing_inserts_below_the_paragraph(qtbot, faithful_win):
    win = faithful_win
    ui, editor = win.rewrite_ui, win.editor
    put_cursor_in(editor, CASUAL)  # the middle paragraph: the new one goes between
    job = ui.run_action("continue")
    assert job.original == f"{OTHER}\n\n{CASUAL}"  # it reads what precedes, not what follows
    wait_end(qtbot, ui, job)
    assert job.result, job.error
    qtbot.waitUntil(ui.panel.insert_button.isEnabled, timeout=5000)  # the panel follows the end
    assert not ui.panel.replace_button.isVisible()
    qtbot.mouseClick(ui.panel.insert_button, Qt.MouseButton.LeftButton)
    assert editor.toPlainText() == TEXT.replace(CASUAL, f"{CASUAL}\n\n{job.result}", 1)
    assert ui.job_list.state_text(job.id) == "done, inserted"
    editor.undo()
    assert editor.toPlainText() == TEXT


def test_continue_writing_with_the_real_model_adds_text_or_says_why_not(qtbot, win):
    ui, editor = win.rewrite_ui, win.editor
    put_cursor_in(editor, CASUAL)
    job = ui.run_action("continue")
    wait_end(qtbot, ui, job)
    if job.result:  # the guard let it through: it is new text, never a restatement
        assert CASUAL not in job.result and OTHER not in job.result
        assert ui.panel.insert_button.isEnabled()
    else:  # the guard held it back, with a reason the writer can read
        assert job.error or job.warnings
        assert not ui.panel.insert_button.isEnabled()
    assert editor.toPlainText() == TEXT  # nothing changes before the writer chooses


def test_job_list_shows_queued_and_cancelled_and_the_status_counts(qtbot, win):
    ui, editor = win.rewrite_ui, win.editor
    put_cursor_in(editor, OTHER)
    first = ui.run_action("friendly")
    second = ui.run_action("formal", whole_document=True)
    qtbot.waitUntil(lambda: ui.job_list.state_text(first.id) == "running", timeout=10_000)
    assert ui.job_list.state_text(second.id) == "queued"
    # The status field follows the running job's own progress messages, which come after
    # the queue marks it running.
    qtbot.waitUntil(lambda: "(+1 queued)" in ui.status.stage_text(), timeout=5000)
    ui.queue.cancel(second.id)
    qtbot.waitUntil(lambda: ui.job_list.state_text(second.id) == "cancelled", timeout=5000)
    wait_end(qtbot, ui, first)
    assert ui.job_list.state_text(first.id) == "done"
    row = ui.job_list._rows[first.id]
    assert ui.job_list.item(row, 4).text().endswith("ms")  # first token time shown
    # Try again: the same text again, tracked by the same target.
    ui.panel.job_id = first.id
    ui.show_job(first.id)
    retry = ui.retry(first.id)
    assert retry.original == first.original
    ui.queue.cancel(retry.id)


def test_custom_instruction_dialog_remembers_the_instruction(qtbot, win):
    from ui.rewrite.instruction_dialog import InstructionDialog

    ui, editor = win.rewrite_ui, win.editor
    put_cursor_in(editor, OTHER)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, InstructionDialog):
            QTimer.singleShot(10, answer)
            return
        qtbot.keyClicks(dialog.combo, "Use British spelling")
        qtbot.keyClick(dialog.combo, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)
    job = ui.run_action("custom")
    assert job is not None and job.instruction == "Use British spelling"
    assert win.settings.recent_instructions[0] == "Use British spelling"
    ui.queue.cancel(job.id)


def test_performance_dialog_lists_actions_beside_inline(qtbot, win):
    ui = win.rewrite_ui
    ui.perf.record("grammar", 400.0, 900.0)
    win.inline.painted.emit(42.0)
    ui.performance_action.trigger()
    dialog = ui._perf_dialog
    qtbot.waitExposed(dialog)
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert names == ["Fix Grammar and Spelling", "Inline suggestions"]
    assert dialog.table.item(1, 2).text() == "42 ms"
    dialog.close()


def test_progress_bar_only_for_a_real_fraction(qtbot):
    from ui.rewrite.status import RewriteStatus

    status = RewriteStatus()
    qtbot.addWidget(status)
    status.show_job(1, "Summarize", 0.0, JobProgress("Drafting — 4 tokens, 0.3 s", 0, 1), 0)
    assert not status.progress_bar.isVisibleTo(status)
    status.show_job(1, "Summarize", 0.0, JobProgress("Chunk 3 of 7", 2, 7), 2)
    assert status.progress_bar.isVisibleTo(status) and status.progress_bar.value() == 286
    assert status.stage_text() == "Summarize: Chunk 3 of 7 (+2 queued)"
    status.clear()
    assert not status.isVisibleTo(status)


def test_a_job_waits_for_the_model_still_loading(qtbot, window):
    from desktop_app.model_host import ModelHost
    from models.spec import ModelSpec

    host = ModelHost(models_dir=Path(os.environ["INKLING_MODELS_DIR"]))
    try:
        window.start_services(model_host=host)
        window.editor.setPlainText(CASUAL)
        host.start(None, ModelSpec(kind="bundled"))
        assert host.model("rewrite") is None
        ui = window.rewrite_ui
        job = ui.run_action("concise")
        wait_end(qtbot, ui, job)
        assert job.state.value == "done", job.error
    finally:
        window.rewrite_ui.shutdown()
        host.shutdown()


def test_review_panel_marks_word_differences(qtbot):
    from desktop_app.rewrite.actions import ApplyMode
    from ui.rewrite.review_panel import ReviewPanel

    panel = ReviewPanel()
    qtbot.addWidget(panel)
    panel.begin(7, "Fix Grammar and Spelling", "He go to school.", ApplyMode.REPLACE)
    panel.show_partial("He goes")
    panel.show_partial("")  # a held-back line does not blank what is shown
    assert panel.proposal_text() == "He goes"
    panel.show_result("He go to school.", "He goes to school.", target_edited=False)

    original = {f.text(): f.charFormat() for f in _fragments(panel.original_view)}
    proposal = {f.text(): f.charFormat() for f in _fragments(panel.proposal_view)}
    assert original["go"].fontStrikeOut() and not original["He "].fontStrikeOut()
    assert proposal["goes"].foreground().color().green() > 100
    assert "go" not in proposal
    assert panel.replace_button.isEnabled() and panel.replace_button.isDefault()
    with qtbot.waitSignal(panel.replace_requested) as signal:
        qtbot.mouseClick(panel.replace_button, Qt.MouseButton.LeftButton)
    assert signal.args == [7]


def _fragments(view):
    block = view.document().firstBlock()
    it = block.begin()
    while not it.atEnd():
        yield it.fragment()
        it += 1


def _open_context_menu_at(qtbot, editor, position: int):
    """Right-click (the editor's context-menu request) at a text position; the open popup."""
    point = editor.cursorRect(_cursor_at(editor, position)).center()
    editor.customContextMenuRequested.emit(point)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=2000)
    return QApplication.activePopupWidget()


def _cursor_at(editor, position: int) -> QTextCursor:
    cursor = QTextCursor(editor.document())
    cursor.setPosition(position)
    return cursor


def _choose_first_rewrite(qtbot, popup) -> None:
    """In the context menu, open the Rewrite submenu (its last entry) and take its first action."""
    qtbot.keyClick(popup, Qt.Key.Key_Up)  # wraps round to the last entry: Rewrite
    qtbot.keyClick(popup, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not popup, timeout=2000)
    submenu = QApplication.activePopupWidget()
    qtbot.keyClick(submenu, Qt.Key.Key_Return)


def test_the_context_menu_rewrites_the_paragraph_that_was_right_clicked(qtbot, win):
    ui, editor = win.rewrite_ui, win.editor
    put_cursor_in(editor, OTHER)  # the cursor stays in the first paragraph
    popup = _open_context_menu_at(qtbot, editor, TEXT.index(CASUAL) + 5)
    with qtbot.waitSignal(ui.queue.job_added, timeout=5000):
        _choose_first_rewrite(qtbot, popup)
    job = ui.queue.jobs()[-1]
    assert (job.action, job.original) == ("concise", CASUAL)
    assert editor.textCursor().block().text() == OTHER  # the writer's cursor did not move
    ui.queue.cancel(job.id)
    # Once the menu is gone, the Rewrite menu's actions act at the cursor again.
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=2000)
    with qtbot.waitSignal(ui.queue.job_added, timeout=5000):
        ui.actions["concise"].trigger()
    assert ui.queue.jobs()[-1].original == OTHER
    ui.queue.cancel(ui.queue.jobs()[-1].id)


def test_a_right_click_on_the_selection_rewrites_the_selection(qtbot, win):
    ui, editor = win.rewrite_ui, win.editor
    start = TEXT.index(CASUAL)
    cursor = _cursor_at(editor, start)
    cursor.setPosition(start + 20, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    popup = _open_context_menu_at(qtbot, editor, start + 10)
    with qtbot.waitSignal(ui.queue.job_added, timeout=5000):
        _choose_first_rewrite(qtbot, popup)
    job = ui.queue.jobs()[-1]
    assert job.original == CASUAL[:20]
    ui.queue.cancel(job.id)


def test_try_again_makes_a_new_draft_and_the_earlier_one_can_be_shown_again(qtbot, win):
    ui, editor = win.rewrite_ui, win.editor
    put_cursor_in(editor, CASUAL)
    first = ui.run_action("friendly")
    wait_end(qtbot, ui, first)
    shown_first = ui.panel.proposal_text()
    qtbot.mouseClick(ui.panel.retry_button, Qt.MouseButton.LeftButton)
    second = ui.queue.jobs()[-1]
    assert second.id != first.id and second.draft == first.draft + 1
    wait_end(qtbot, ui, second)
    drafts = ui.panel.drafts
    assert ui.panel.job_id == second.id and drafts.label.text() == "Draft 2 of 2"
    qtbot.mouseClick(drafts.previous_button, Qt.MouseButton.LeftButton)
    assert ui.panel.job_id == first.id and drafts.label.text() == "Draft 1 of 2"
    assert ui.panel.proposal_text() == shown_first  # the earlier draft is not lost
    qtbot.mouseClick(drafts.next_button, Qt.MouseButton.LeftButton)
    assert ui.panel.job_id == second.id
    assert editor.toPlainText() == TEXT  # showing drafts never changes the document
