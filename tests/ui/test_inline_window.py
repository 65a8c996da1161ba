"""Inline suggestions in the real window: the bundled model end to end, and what ghost text
must never touch (the saved file, the clipboard, the counts)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor

from desktop_app.settings import Settings
from ui.main_window import MainWindow

PROSE = (
    "It is a truth universally acknowledged, that a single man in possession of a good "
    "fortune, must be in want of a"
)


@pytest.fixture
def live_window(qtbot):
    """A window with the real bundled models loaded."""
    win = MainWindow(Settings())
    win.show()
    qtbot.waitExposed(win)
    win.start_services()
    qtbot.waitUntil(lambda: win.models.state("inline")[0] == "ready", timeout=120_000)
    win.engine.min_first_prob = 0.0  # show whatever the model says: this tests the path
    yield win
    win.editor.document().setModified(False)
    win.close()
    win.shutdown()
    win.deleteLater()


def type_and_wait_for_ghost(qtbot, win, text):
    win.editor.setPlainText(PROSE[:-2])
    win.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(win.editor, text)
    qtbot.waitUntil(lambda: bool(win.editor.ghost_text()), timeout=60_000)


@pytest.mark.timeout(240)
def test_real_model_suggestion_accept_and_undo(qtbot, live_window, tmp_path):
    win = live_window
    type_and_wait_for_ghost(qtbot, win, " a")
    ghost = win.editor.ghost_text()
    before = win.editor.toPlainText()
    assert before == PROSE
    assert "Suggestions: shown in" in win.status.suggest_label.text()
    qtbot.keyClick(win.editor, Qt.Key.Key_Tab)
    assert win.editor.toPlainText() == PROSE + ghost
    win.engine.set_enabled(False)
    win.editor.undo()
    assert win.editor.toPlainText() == PROSE


@pytest.mark.timeout(240)
def test_ghost_is_never_saved_copied_or_counted(qtbot, live_window, tmp_path):
    win = live_window
    type_and_wait_for_ghost(qtbot, win, " a")
    ghost = win.editor.ghost_text()
    assert ghost.strip()
    win._update_counts()
    assert f"{len(PROSE):,} characters" in win.status.counts_label.text()
    path = tmp_path / "out.txt"
    win.ask_save_path = lambda: str(path)
    win.save()
    qtbot.waitUntil(lambda: not win.is_saving(), timeout=10_000)
    assert path.read_text(encoding="utf-8") == PROSE
    cursor = win.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock, QTextCursor.MoveMode.KeepAnchor)
    win.editor.setTextCursor(cursor)
    win.editor.copy()
    assert ghost not in QGuiApplication.clipboard().text()


def test_stale_suggestion_is_never_painted(qtbot, window):
    """The controller paints only what was made for the editor's current revision."""
    from desktop_app.inline.engine import SuggestionEngine
    from ui.inline_controller import InlineController

    engine = SuggestionEngine(lambda: None, lambda: None)
    controller = InlineController(window.editor, engine, window.status)
    try:
        qtbot.keyClicks(window.editor, "The cat sat on the")
        old = window.editor.revision - 1
        engine.suggestion_changed.emit(old, " mat.")
        assert window.editor.ghost_text() == ""
        engine.suggestion_changed.emit(window.editor.revision, " mat.")
        assert window.editor.ghost_text() == " mat."
    finally:
        controller.deleteLater()
        engine.shutdown()


@pytest.mark.timeout(120)
def test_corrupt_model_is_reported_and_typing_still_works(qtbot, tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)
    settings = Settings()
    settings.inline.kind = "gguf"
    settings.inline.gguf_path = str(bad)
    win = MainWindow(settings)
    win.show()
    try:
        win.start_services()
        qtbot.waitUntil(lambda: win.models.state("inline")[0] == "unavailable", timeout=60_000)
        assert "unavailable" in win.status.suggest_label.text()
        assert win.status.suggest_label.toolTip()  # the reason
        qtbot.keyClicks(win.editor, "Still writing.")
        assert win.editor.toPlainText() == "Still writing."
        assert win.editor.ghost_text() == ""
    finally:
        win.editor.document().setModified(False)
        win.close()
        win.shutdown()
        win.deleteLater()


@pytest.mark.timeout(120)
def test_missing_model_file_is_reported(qtbot, tmp_path):
    settings = Settings()
    settings.inline.kind = "gguf"
    settings.inline.gguf_path = str(tmp_path / "nowhere.gguf")
    win = MainWindow(settings)
    win.show()
    try:
        win.start_services()
        qtbot.waitUntil(lambda: win.models.state("inline")[0] == "unavailable", timeout=60_000)
        assert win.models.state("inline")[1]
    finally:
        win.close()
        win.shutdown()
        win.deleteLater()


def test_toggle_is_remembered(qtbot, window):
    from desktop_app.settings import load_settings

    window.set_inline_enabled(False)
    assert window.settings_writer.flush()
    assert load_settings().inline_enabled is False
    assert not window.inline_action.isChecked()


@pytest.mark.timeout(180)
def test_app_with_models_quits_with_no_stray_threads(qtbot):
    import threading

    before = {t.ident for t in threading.enumerate()}
    win = MainWindow(Settings())
    win.show()
    win.start_services()
    qtbot.waitUntil(lambda: win.models.state("inline")[0] == "ready", timeout=120_000)
    qtbot.waitUntil(lambda: win.models.state("rewrite")[0] == "ready", timeout=120_000)
    qtbot.keyClicks(win.editor, "A few words")
    win.editor.document().setModified(False)
    win.close()
    win.shutdown()
    win.deleteLater()
    qtbot.waitUntil(lambda: {t.ident for t in threading.enumerate()} <= before, timeout=10_000)


@pytest.mark.timeout(120)
def test_a_rewrite_model_that_fails_to_load_is_announced(qtbot, tmp_path):
    bad = tmp_path / "broken-rewrite.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)
    settings = Settings()
    settings.rewrite.kind = "gguf"
    settings.rewrite.gguf_path = str(bad)
    win = MainWindow(settings)
    win.show()
    try:
        win.start_services()
        qtbot.waitUntil(lambda: win.models.state("rewrite")[0] == "unavailable", timeout=60_000)
        qtbot.waitUntil(lambda: "Rewrites unavailable" in win.status.currentMessage(), timeout=5000)
    finally:
        win.close()
        win.shutdown()
        win.deleteLater()
