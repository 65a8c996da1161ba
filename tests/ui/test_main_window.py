"""The main window with real key events: files, unsaved changes, find and replace, counts."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.conftest import answer_next_box

SAVE = QMessageBox.StandardButton.Save
DISCARD = QMessageBox.StandardButton.Discard
CANCEL = QMessageBox.StandardButton.Cancel


def open_and_wait(qtbot, window, path):
    window.open_path(path)
    qtbot.waitUntil(lambda: not window.is_loading(), timeout=10_000)


def save_and_wait(qtbot, window):
    window.save()
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=10_000)


def test_open_edit_save_reopen_round_trip(qtbot, window, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Once upon a time.\n", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    assert window.editor.toPlainText() == "Once upon a time.\n"
    assert "story.txt" in window.windowTitle()
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor, "The end.")
    assert window.isWindowModified()
    save_and_wait(qtbot, window)
    assert not window.isWindowModified()
    assert path.read_text(encoding="utf-8") == "Once upon a time.\nThe end."
    window.new_document()
    assert window.editor.toPlainText() == ""
    open_and_wait(qtbot, window, path)
    assert window.editor.toPlainText() == "Once upon a time.\nThe end."
    assert window.settings.recent_files[0] == str(path)


def test_missing_file_starts_a_new_document_saved_there(qtbot, window, tmp_path):
    path = tmp_path / "new" / "draft.md"
    path.parent.mkdir()
    window.open_or_create(path)
    assert window.editor.toPlainText() == ""
    assert "draft.md" in window.windowTitle()
    qtbot.keyClicks(window.editor, "# Title")
    save_and_wait(qtbot, window)
    assert path.read_text(encoding="utf-8") == "# Title"


def test_unsaved_prompt_cancel_keeps_everything(qtbot, window):
    qtbot.keyClicks(window.editor, "precious words")
    seen = []
    answer_next_box(CANCEL, seen)
    window.new_document()
    assert seen and "Save the changes" in seen[0]
    assert window.editor.toPlainText() == "precious words"
    assert window.is_dirty()


def test_unsaved_prompt_discard_drops_changes(qtbot, window):
    qtbot.keyClicks(window.editor, "throwaway")
    answer_next_box(DISCARD)
    window.new_document()
    assert window.editor.toPlainText() == ""
    assert not window.is_dirty()


def test_unsaved_prompt_save_writes_then_continues(qtbot, window, tmp_path, monkeypatch):
    target = tmp_path / "kept.txt"
    monkeypatch.setattr(window, "ask_save_path", lambda: str(target))
    qtbot.keyClicks(window.editor, "keep me")
    answer_next_box(SAVE)
    window.new_document()
    qtbot.waitUntil(lambda: window.editor.toPlainText() == "", timeout=10_000)
    assert target.read_text(encoding="utf-8") == "keep me"


def test_quit_with_unsaved_changes_asks_and_cancel_stays_open(qtbot, window):
    qtbot.keyClicks(window.editor, "unsaved")
    answer_next_box(CANCEL)
    window.close()
    assert window.isVisible()
    answer_next_box(DISCARD)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)


def test_find_and_replace(qtbot, window):
    qtbot.keyClicks(window.editor, "cat and Cat and cat")
    dialog = window.find_dialog
    dialog.open_for(replace=True)
    dialog.find_edit.setText("cat")
    dialog.replace_edit.setText("dog")
    dialog.case_box.setChecked(True)
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.Start)
    assert dialog.find_next()
    assert window.editor.textCursor().selectedText() == "cat"
    dialog.replace_one()
    assert window.editor.toPlainText() == "dog and Cat and cat"
    assert dialog.replace_all() == 1
    assert window.editor.toPlainText() == "dog and Cat and dog"
    dialog.case_box.setChecked(False)
    dialog.find_edit.setText("dog")
    dialog.replace_edit.setText("bird")
    assert dialog.replace_all() == 2
    assert window.editor.toPlainText() == "bird and Cat and bird"
    window.editor.undo()  # Replace All is one undo step
    assert window.editor.toPlainText() == "dog and Cat and dog"
    dialog.find_edit.setText("absent")
    assert not dialog.find_next()


def test_status_bar_counts_and_position(qtbot, window):
    qtbot.keyClicks(window.editor, "one two three")
    qtbot.keyClick(window.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(window.editor, "four")
    qtbot.waitUntil(lambda: "4 words" in window.status.counts_label.text(), timeout=3_000)
    assert "18 characters" in window.status.counts_label.text()
    assert window.status.position_label.text() == "Ln 2, Col 5"


def test_zoom_and_geometry_persist(qtbot, window):
    from desktop_app.settings import load_settings

    window.editor.set_zoom(3)
    window.resize(700, 500)
    window.persist_window()
    assert window.settings_writer.flush()
    stored = load_settings()
    assert stored.zoom == 3
    assert stored.window_geometry


def test_binary_file_is_refused_with_a_message(qtbot, window, tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    seen = []
    answer_next_box(QMessageBox.StandardButton.Ok, seen)
    window.open_path(path)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    assert "binary" in seen[0].lower()
    assert window.editor.toPlainText() == ""


def test_window_starts_and_quits_with_no_stray_threads(qtbot):
    from desktop_app.settings import Settings
    from ui.main_window import MainWindow

    before = {t.ident for t in threading.enumerate()}
    win = MainWindow(Settings())
    win.show()
    qtbot.waitExposed(win)
    win.start_services()  # the model host, its owner threads, the engine and the rewrite pool
    qtbot.waitUntil(
        lambda: all(win.models.state(role)[0] == "ready" for role in ("inline", "rewrite")),
        timeout=60_000,
    )
    started = {t.ident for t in threading.enumerate()} - before
    assert started  # the services really run threads: the check below can fail
    win.close()
    win.shutdown()
    win.deleteLater()
    qtbot.waitUntil(lambda: {t.ident for t in threading.enumerate()} <= before, timeout=10_000)
