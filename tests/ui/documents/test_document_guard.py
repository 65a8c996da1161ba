"""The window keeps text safe: outside changes, saves that would overwrite them, encodings,
failed saves, snapshots, highlighting, word counts, and a 20 MB file that opens smoothly."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.bench.common import Heartbeat
from desktop_app.documents.document import count_words
from tests.ui.conftest import answer_next_box
from ui.highlighter import MarkdownHighlighter


def open_and_wait(qtbot, window, path, encoding=None):
    if encoding:
        window.open_now(path, encoding)
    else:
        window.open_path(path)
    qtbot.waitUntil(lambda: not window.is_loading(), timeout=20_000)


def type_at_end(qtbot, window, text):
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, text)


def click_box_button(label: str, seen: list | None = None) -> None:
    """Click the button labelled `label` on the next message box that opens."""

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            if seen is not None:
                seen.append((box.objectName(), box.text()))
            for button in box.buttons():
                if button.text().replace("&", "") == label:
                    button.click()
                    return
            box.reject()  # never leave a modal box open: the test would hang, not fail
            raise AssertionError(f"no button {label!r} in {[b.text() for b in box.buttons()]}")
        QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def change_on_disk(path, text):
    """Another program rewrites the file (a new mtime even on coarse-clock file systems)."""
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))


def test_outside_modification_offers_reload_keep_compare(qtbot, window, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("first version\n", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    bar = window.guard.bar
    assert bar.isHidden()
    change_on_disk(path, "their version\n")
    qtbot.waitUntil(lambda: bar.isVisible() and bar.kind == "modified", timeout=5_000)
    assert "changed by another program" in bar.label.text()
    assert set(bar.buttons) >= {"Reload", "Keep Mine", "Compare…"}
    # Compare shows both sides, then Reload takes theirs (the document was clean: no question).
    bar.buttons["Compare…"].click()
    qtbot.waitUntil(lambda: window.guard.compare_dialog is not None, timeout=5_000)
    diff = window.guard.compare_dialog.view.toPlainText()
    assert "-their version" in diff and "+first version" in diff
    window.guard.compare_dialog.buttons["Reload"].click()
    qtbot.waitUntil(lambda: window.editor.toPlainText() == "their version\n", timeout=5_000)
    assert bar.isHidden() and not window.is_dirty()


def test_keep_mine_then_save_writes_without_asking(qtbot, window, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("mine\n", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    change_on_disk(path, "theirs\n")
    bar = window.guard.bar
    qtbot.waitUntil(lambda: bar.kind == "modified", timeout=5_000)
    bar.buttons["Keep Mine"].click()
    assert bar.isHidden() and window.is_dirty()  # so the writer knows to save
    window.save()  # no question now: the writer chose their text
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=5_000)
    assert path.read_text(encoding="utf-8") == "mine\n" and not window.is_dirty()


def test_deletion_is_reported_and_text_kept(qtbot, window, tmp_path):
    path = tmp_path / "gone.txt"
    path.write_text("still here\n", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    path.unlink()
    bar = window.guard.bar
    qtbot.waitUntil(lambda: bar.isVisible() and bar.kind == "deleted", timeout=5_000)
    assert "deleted or moved" in bar.label.text()
    assert window.editor.toPlainText() == "still here\n"
    bar.buttons["Keep Mine"].click()
    assert window.is_dirty()
    window.save()
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=5_000)
    assert path.read_text(encoding="utf-8") == "still here\n"


def test_save_never_silently_overwrites_an_outside_change(qtbot, window, tmp_path):
    path = tmp_path / "shared.txt"
    path.write_text("original\n", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    type_at_end(qtbot, window, "my addition")
    # Changed and saved at once: the watcher has had no time; the check before saving catches it.
    change_on_disk(path, "a sync tool's version\n")
    seen: list = []
    click_box_button("Cancel", seen)
    window.save()
    assert seen and seen[0][0] == "outsideChangeSavePrompt"
    assert not window.is_saving() and window.is_dirty()
    assert path.read_text(encoding="utf-8") == "a sync tool's version\n"
    click_box_button("Overwrite")
    window.save()
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=5_000)
    assert path.read_text(encoding="utf-8") == "original\nmy addition"
    assert not window.is_dirty()


def test_own_saves_are_not_reported_as_outside_changes(qtbot, window, tmp_path):
    path = tmp_path / "quiet.txt"
    path.write_text("a\n", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    for word in ("one", "two", "three"):
        type_at_end(qtbot, window, word)
        window.save()
        qtbot.waitUntil(lambda: not window.is_saving(), timeout=5_000)
    changes = []
    window.guard.watcher.changed_on_disk.connect(lambda *a: changes.append(a))
    qtbot.wait(400)  # longer than the watcher's settle time: any report would have come
    assert changes == [] and window.guard.bar.isHidden()


def test_fallback_encoding_notice_and_reopen_with_encoding(qtbot, window, tmp_path):
    path = tmp_path / "russian.txt"
    path.write_bytes("Привет, мир\n".encode("koi8-r"))
    open_and_wait(qtbot, window, path)
    bar = window.guard.bar
    assert bar.isVisible() and bar.kind == "encoding"
    assert "not valid UTF-8" in bar.label.text() and "cp1252" in bar.label.text()
    assert "cp1252" in window.status.currentMessage()
    menu = window.guard.encoding_menu
    action = next(a for a in menu.actions() if a.data() == "koi8-r")
    action.trigger()  # the real File → Reopen with Encoding → Cyrillic (KOI8-R) action
    qtbot.waitUntil(lambda: window.editor.toPlainText() == "Привет, мир\n", timeout=5_000)
    assert bar.isHidden()
    assert window.status.encoding_label.text().startswith("KOI8-R")
    type_at_end(qtbot, window, "!")
    window.save()
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=5_000)
    assert path.read_bytes() == "Привет, мир\n!".encode("koi8-r")  # saved back as KOI8-R


def test_reopen_with_wrong_encoding_says_why(qtbot, window, tmp_path):
    path = tmp_path / "plain.txt"
    path.write_bytes("café\n".encode("cp1252"))
    open_and_wait(qtbot, window, path)
    seen: list = []
    answer_next_box(QMessageBox.StandardButton.Ok, seen)
    window.guard.reopen_with("utf-8")
    qtbot.waitUntil(lambda: bool(seen) and not window.is_loading(), timeout=5_000)
    assert "not valid utf-8" in seen[0]
    assert window.editor.toPlainText() == "café\n"  # the document stays as it was


def test_failed_save_shows_error_and_stays_dirty(qtbot, window, tmp_path):
    folder = tmp_path / "usb-stick"
    folder.mkdir()
    path = folder / "essay.txt"
    path.write_text("draft\n", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    type_at_end(qtbot, window, "more")
    shutil.rmtree(folder)  # the stick was pulled out
    seen: list = []
    answer_next_box(QMessageBox.StandardButton.Ok, seen)
    window.save()
    qtbot.waitUntil(lambda: not window.is_saving() and bool(seen), timeout=5_000)
    assert "was not saved" in seen[0] and "does not exist" in seen[0]
    assert window.is_dirty() and window.editor.toPlainText() == "draft\nmore"
    assert "Not saved" in window.status.currentMessage()


@pytest.fixture
def read_only_mount(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True
    )
    if proc.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_save_to_read_only_disk_keeps_file_and_document(qtbot, window, read_only_mount):
    path = read_only_mount / "ro.txt"
    path.write_bytes(b"keep me\n")
    open_and_wait(qtbot, window, path)
    type_at_end(qtbot, window, "lost?")
    remount = subprocess.run(["mount", "-o", "remount,ro", str(read_only_mount)])
    if remount.returncode != 0:
        pytest.skip("cannot remount read-only")
    seen: list = []
    answer_next_box(QMessageBox.StandardButton.Ok, seen)
    window.save()
    qtbot.waitUntil(lambda: not window.is_saving() and bool(seen), timeout=5_000)
    assert "read-only" in seen[0]
    assert path.read_bytes() == b"keep me\n"
    assert window.is_dirty() and window.editor.toPlainText() == "keep me\nlost?"


def test_snapshot_after_typing_and_gone_after_save(qtbot, window, tmp_path):
    path = tmp_path / "snap.txt"
    path.write_text("", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    folder = window.guard.snapshotter.store.folder
    with qtbot.waitSignal(window.guard.snapshotter.written, timeout=5_000):
        qtbot.keyClicks(window.editor, "typed then paused")
    assert [p.read_text("utf-8") for p in folder.glob("snap-*.txt")] == ["typed then paused"]
    window.save()
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=5_000)
    qtbot.waitUntil(lambda: not list(folder.glob("snap-*")), timeout=5_000)


def test_markdown_files_are_highlighted(qtbot, window, tmp_path):
    md = tmp_path / "readme.md"
    md.write_text("# Title\n\nSome *emphasis*.\n", encoding="utf-8")
    txt = tmp_path / "plain.txt"
    txt.write_text("# not a heading\n", encoding="utf-8")
    open_and_wait(qtbot, window, md)
    assert isinstance(window.guard.highlighter, MarkdownHighlighter)
    assert window.guard.highlighter.document() is window.editor.document()
    open_and_wait(qtbot, window, txt)
    assert window.guard.highlighter is None


def test_word_counts_follow_every_kind_of_edit(qtbot, window):
    editor = window.editor
    qtbot.keyClicks(editor, "one two three")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "four  five")
    editor.insertPlainText("\nsix\nseven eight\n\nnine")
    editor.moveCursor(QTextCursor.MoveOperation.Start)
    editor.moveCursor(QTextCursor.MoveOperation.Down, QTextCursor.MoveMode.KeepAnchor)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    editor.undo()
    editor.redo()
    editor.undo()
    text = editor.toPlainText()
    assert window.guard.counts() == (count_words(text), len(text))
    window._update_counts()
    assert window.status.counts_label.text().startswith(f"{count_words(text)} words")
    assert window.guard.text() == text and not window.guard.counter.altered
    qtbot.keyClicks(editor, "ten\u00a0!")  # from now on the exact (slower) way is used
    assert window.guard.counter.altered and "ten\u00a0!" in window.guard.text()


def test_twenty_megabytes_open_without_freezing(qtbot, window, tmp_path):
    line = "It is a truth universally acknowledged, that a single man in possession\n"
    text = line * (20 * 2**20 // len(line))
    path = tmp_path / "huge.txt"
    path.write_text(text, encoding="utf-8")
    heartbeat = Heartbeat()
    heartbeat.start()
    open_and_wait(qtbot, window, path)
    heartbeat.stop()
    # A correctness bound, not a benchmark: setPlainText alone would stall ~1 s here.
    assert heartbeat.summary()["heartbeat_max_ms"] < 700  # wide: a busy machine is slow
    assert window.guard.counts() == (count_words(text), len(text))
    assert window.editor.document().characterCount() - 1 == len(text)
    assert not window.is_dirty() and not window.editor.isReadOnly()
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    slowest = 0.0
    for char in "The end.":  # nothing on the keystroke path may scan the whole text
        started = time.perf_counter()
        qtbot.keyClick(window.editor, char)
        slowest = max(slowest, time.perf_counter() - started)
    assert slowest < 0.3  # a whole-text scan of 20 MB takes longer; wide for a busy machine
    assert window.guard.counts()[0] == count_words(text) + 2
    # A small file after the big one gets a fresh, small document again.
    small = tmp_path / "small.txt"
    small.write_text("tiny\n", encoding="utf-8")
    window.editor.document().setModified(False)
    open_and_wait(qtbot, window, small)
    assert window.editor.toPlainText() == "tiny\n" and window.guard.counts() == (1, 5)


def test_save_keeps_no_break_spaces_and_line_separators(qtbot, window, tmp_path):
    # QPlainTextEdit.toPlainText() would turn these into a space and a line break.
    path = tmp_path / "french.txt"
    original = "« Bonjour\u00a0! »\r\nligne\u2028suite\r\n".encode("utf-8-sig")
    path.write_bytes(original)
    open_and_wait(qtbot, window, path)
    window.save()  # unedited: the very same bytes (BOM, CRLF, NBSP, U+2028)
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=5_000)
    assert path.read_bytes() == original
    type_at_end(qtbot, window, "fin\u00a0;")
    window.save()
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=5_000)
    assert path.read_bytes() == original + "fin\u00a0;".encode()
