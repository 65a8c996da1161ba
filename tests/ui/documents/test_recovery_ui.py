"""Crash recovery in the window: kill -9 while typing, then the next window offers the text."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop_app.documents.document import DocumentFile
from desktop_app.documents.recovery import RecoveryStore
from desktop_app.settings import Settings
from tests.ui.documents.window_typing_child import typed_words
from ui.documents.recovery_dialog import RecoveryDialog

CHILD = Path(__file__).with_name("window_typing_child.py")
ROOT = Path(__file__).resolve().parents[3]


def open_window(qtbot):
    from ui.main_window import MainWindow

    win = MainWindow(Settings())
    win.show()
    return win


def close_window(win) -> None:
    win.editor.document().setModified(False)
    win.close()
    win.shutdown()
    win.deleteLater()


def click_in_recovery_dialog(qtbot, label: str, seen: list) -> None:
    """Wait for the recovery dialog, note its two sides (on disk, recovery copy), click `label`."""

    def dialog() -> RecoveryDialog | None:
        box = QApplication.activeModalWidget()
        return box if isinstance(box, RecoveryDialog) else None

    from PySide6.QtCore import QTimer

    def poll() -> None:
        box = dialog()
        if box is None:
            QTimer.singleShot(10, poll)
            return
        sides = (box.before_view.toPlainText(), box.after_view.toPlainText())
        seen.append((box.message.text(), sides, box.snapshot))
        box.buttons[label].click()

    QTimer.singleShot(0, poll)


def run_child_until(doc: Path, words: int, interval_ms: int, stop) -> list[int]:
    """Run the typing window in a child, kill -9 it once `stop(lengths)`; return the lengths
    of the snapshots it reported on disk."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(doc), str(words), str(interval_ms)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=env,
    )
    lengths: list[int] = []
    try:
        deadline = time.monotonic() + 60
        for line in child.stdout:  # the child prints after each snapshot reaches the disk
            if line.startswith("written "):
                lengths.append(int(line.split()[1]))
            if stop(lengths) or time.monotonic() > deadline:
                break
    finally:
        child.kill()  # SIGKILL: no close, no shutdown, no chance to clean up
        child.wait(10)
    return lengths


def restore_in_new_window(qtbot):
    """Open a window, click Restore in the recovery dialog; return (window, what it showed)."""
    seen: list = []
    click_in_recovery_dialog(qtbot, "Restore", seen)
    win = open_window(qtbot)
    qtbot.waitUntil(lambda: bool(seen), timeout=15_000)
    qtbot.waitUntil(lambda: win.is_dirty(), timeout=10_000)
    return win, seen[0]


def test_kill_after_typing_pauses_then_restore_in_new_window(qtbot, tmp_path):
    doc = tmp_path / "chapter.txt"
    doc.write_text("Chapter one.\n", encoding="utf-8")
    words = 25
    expected = "Chapter one.\n" + typed_words(words)
    lengths = run_child_until(doc, words, 20, lambda seen: len(expected) in seen)
    assert len(expected) in lengths
    assert doc.read_text(encoding="utf-8") == "Chapter one.\n"  # it never saved

    win, (message, (on_disk, copy), _snapshot) = restore_in_new_window(qtbot)
    try:
        assert "chapter.txt" in message
        assert "Chapter one." in on_disk and "Chapter one.\n" + typed_words(words) in copy
        assert "@@" not in on_disk + copy  # side by side, not a unified diff
        assert win.editor.toPlainText() == expected
        assert win.file.path == doc and "chapter.txt" in win.windowTitle()
        # Saved at once (before its own snapshot was even written): nothing is left to offer.
        win.save()
        qtbot.waitUntil(lambda: not win.is_saving(), timeout=10_000)
        assert doc.read_text(encoding="utf-8") == expected
        assert not win.is_dirty()
    finally:
        close_window(win)
    assert RecoveryStore().pending() == []


def test_kill_in_the_middle_of_typing_keeps_all_but_the_last_moments(qtbot, tmp_path):
    doc = tmp_path / "flow.txt"
    doc.write_text("", encoding="utf-8")
    words = 600  # ~9 s of steady typing: longer than the 5 s a snapshot may wait
    full = typed_words(words)
    lengths = run_child_until(doc, words, 15, lambda seen: bool(seen))
    assert lengths and lengths[0] < len(full)  # killed while still typing

    win, _shown = restore_in_new_window(qtbot)
    try:
        restored = win.editor.toPlainText()
        assert full.startswith(restored) and len(restored) >= lengths[-1] > 0
    finally:
        close_window(win)


def dead_instance_snapshot(path: Path | None, text: str):
    """Leave a snapshot as an instance that ended without closing its document would."""
    store = RecoveryStore()
    store.snapshot("doc-x", str(path) if path else None, text)
    store.close()


def test_restored_text_gets_its_own_snapshot_before_the_old_goes(qtbot, tmp_path):
    path = tmp_path / "story.md"
    path.write_text("# Story\n", encoding="utf-8")
    dead_instance_snapshot(path, "# Story\nMore of it.\n")
    seen: list = []
    click_in_recovery_dialog(qtbot, "Restore", seen)
    win = open_window(qtbot)
    try:
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
        snapshot = seen[0][2]
        folder = win.guard.snapshotter.store.folder
        qtbot.waitUntil(lambda: not snapshot.meta_file.exists(), timeout=10_000)
        own = [p.read_text("utf-8") for p in folder.glob("snap-*.txt")]
        assert own == ["# Story\nMore of it.\n"]  # the restored text is covered again
        assert win.guard.highlighter is not None  # a Markdown file, highlighted
    finally:
        close_window(win)


@pytest.mark.parametrize("choice", ["Discard", "Later"])
def test_discard_deletes_and_later_keeps(qtbot, tmp_path, choice):
    dead_instance_snapshot(None, "an untitled draft")
    seen: list = []
    click_in_recovery_dialog(qtbot, choice, seen)
    win = open_window(qtbot)
    try:
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
        assert "untitled" in seen[0][0]
        assert "an untitled draft" in seen[0][1][1] and seen[0][1][0].strip().endswith("1 ──")
        qtbot.waitUntil(lambda: win.guard.recovery_dialog is None, timeout=5_000)
        assert win.editor.toPlainText() == "" and not win.is_dirty()
    finally:
        close_window(win)
    left = [s.text for s in RecoveryStore().pending()]
    assert left == ([] if choice == "Discard" else ["an untitled draft"])


def test_emergency_snapshot_writes_now(qtbot, window):
    qtbot.keyClicks(window.editor, "unsaved when it crashed")
    window.emergency_snapshot()  # what the crash hook calls: no waiting for the pause
    folder = window.guard.snapshotter.store.folder
    texts = [p.read_text(encoding="utf-8") for p in folder.glob("snap-*.txt")]
    assert texts == ["unsaved when it crashed"]


def _formats_of(view, word: str):
    """The character format `word` is shown with in `view`."""
    from PySide6.QtGui import QTextCursor

    start = view.toPlainText().index(word)
    cursor = QTextCursor(view.document())
    cursor.setPosition(start + 1)
    return cursor.charFormat()


def test_restore_dialog_shows_both_sides_with_words_marked(qtbot, tmp_path):
    from ui.rewrite.review_panel import DELETED_FG, INSERTED_FG

    path = tmp_path / "poem.txt"
    lines = [f"verse {i} of the poem" for i in range(30)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    edited = list(lines)
    edited[12] = "verse 12 of the splendid poem"
    edited[20] = "verse twenty of the poem"
    dead_instance_snapshot(path, "\n".join(edited) + "\n")
    shown: list = []

    def look() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, RecoveryDialog):
            QTimer.singleShot(10, look)
            return
        before, after = box.before_view, box.after_view
        shown.append(
            {
                "texts": (before.toPlainText(), after.toPlainText()),
                "inserted": _formats_of(after, "splendid").foreground().color(),
                "plain": _formats_of(after, "poem").foreground().color(),
                "deleted": _formats_of(before, "20").fontStrikeOut(),
                "kept": _formats_of(before, "verse").fontStrikeOut(),
            }
        )
        box.buttons["Later"].click()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, look)
    win = open_window(qtbot)
    try:
        qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
        got = shown[0]
        before, after = got["texts"]
        assert "verse 12 of the poem" in before and "verse 12 of the splendid poem" in after
        assert "verse 0 " not in before  # only the changed stretches, with a little context
        assert "@@" not in before + after and "No newline" not in before + after
        assert got["inserted"] == INSERTED_FG and got["plain"] != INSERTED_FG
        assert got["deleted"] and not got["kept"]
        assert DELETED_FG.isValid()
    finally:
        close_window(win)


def test_window_says_when_crash_recovery_is_off(qtbot, monkeypatch):
    from ui.documents import document_guard

    def broken(*_args, **_kwargs):
        raise OSError("Permission denied: '/home/writer/.local/state/inkling/recovery'")

    monkeypatch.setattr(document_guard, "Snapshotter", broken)
    win = open_window(qtbot)
    try:
        bar = win.guard.bar
        qtbot.waitUntil(lambda: bar.isVisible(), timeout=5_000)
        assert bar.kind == "recovery" and "off" in bar.label.text()
        qtbot.keyClicks(win.editor, "typed with no safety net")
        win.set_document("new", DocumentFile())  # a new document: still said
        assert bar.isVisible() and bar.kind == "recovery"
    finally:
        close_window(win)


def test_window_says_when_recovery_copies_fail(qtbot, window, monkeypatch):
    from desktop_app.documents.storage import SaveError

    store = window.guard.snapshotter.store

    def full_disk(*_args, **_kwargs):
        raise SaveError("The disk is full")

    monkeypatch.setattr(store, "snapshot", full_disk)
    qtbot.keyClicks(window.editor, "unsaved words")
    window.guard.snapshotter.flush(5.0)
    bar = window.guard.bar
    qtbot.waitUntil(lambda: bar.isVisible() and bar.kind == "recovery", timeout=5_000)
    assert "disk is full" in bar.label.text()
    monkeypatch.undo()  # the disk has room again: the notice goes with the next snapshot
    qtbot.keyClicks(window.editor, "!")
    window.guard.snapshotter.flush(5.0)
    qtbot.waitUntil(lambda: bar.isHidden(), timeout=5_000)


def test_crash_dialog_never_claims_a_copy_it_did_not_save(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.app import CrashHandler

    qtbot.keyClicks(window.editor, "unsaved when it crashed")
    monkeypatch.setattr(window.guard, "snapshotter", None)  # recovery is off (put back: stopped)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: said.append(box.text()) or 0)
    hook = CrashHandler()
    hook.windows.append(window)
    hook(ValueError, ValueError("boom"), None)
    assert said and "recovery copy was saved" not in said[0]
    assert "not" in said[0].lower()


def test_crash_dialog_says_a_copy_was_saved_when_it_was(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.app import CrashHandler

    qtbot.keyClicks(window.editor, "unsaved when it crashed")
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: said.append(box.text()) or 0)
    hook = CrashHandler()
    hook.windows.append(window)
    hook(ValueError, ValueError("boom"), None)
    assert "recovery copy was saved" in said[0]
    folder = window.guard.snapshotter.store.folder
    assert [p.read_text("utf-8") for p in folder.glob("snap-*.txt")] == ["unsaved when it crashed"]
