"""Saving in the window: a save belongs to the document it was made for, and a Save chosen
while another is being written is queued, never dropped."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox

from desktop_app.documents import document as document_module


@pytest.fixture
def slow_saves(monkeypatch):
    """Saves wait for `release.set()` before writing (a slow network disk)."""
    release = threading.Event()
    real = document_module.save_text

    def slow(*args, **kwargs):
        assert release.wait(30), "the test never released the save"
        return real(*args, **kwargs)

    monkeypatch.setattr(document_module, "save_text", slow)
    yield release
    release.set()


def open_and_wait(qtbot, window, path):
    window.open_path(path)
    qtbot.waitUntil(lambda: not window.is_loading(), timeout=20_000)


def type_at_end(qtbot, window, text):
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.editor, text)


def test_new_document_during_a_slow_save_is_not_bound_to_the_old_file(
    qtbot, window, tmp_path, slow_saves, monkeypatch
):
    path = tmp_path / "chapter.txt"
    path.write_text("chapter one\n", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    type_at_end(qtbot, window, "more")
    window.save()
    assert window.is_saving()
    # File → New while the save is still being written; the writer discards (it is saving).
    monkeypatch.setattr(window, "ask_save_changes", lambda: QMessageBox.StandardButton.Discard)
    window.new_document()
    type_at_end(qtbot, window, "a different text")
    slow_saves.set()
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=10_000)
    assert path.read_text(encoding="utf-8") == "chapter one\nmore"
    assert window.file.path is None  # the new text is still untitled
    assert window.is_dirty()
    asked: list[bool] = []
    monkeypatch.setattr(window, "ask_save_path", lambda: asked.append(True) or "")
    window.save()  # must ask where to save, never overwrite chapter.txt
    assert asked == [True]
    assert path.read_text(encoding="utf-8") == "chapter one\nmore"


def test_opened_file_during_a_slow_save_keeps_its_own_path(
    qtbot, window, tmp_path, slow_saves, monkeypatch
):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("first\n", encoding="utf-8")
    second.write_text("second\n", encoding="utf-8")
    open_and_wait(qtbot, window, first)
    type_at_end(qtbot, window, "!")
    window.save()
    monkeypatch.setattr(window, "ask_save_changes", lambda: QMessageBox.StandardButton.Discard)
    open_and_wait(qtbot, window, second)
    slow_saves.set()
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=10_000)
    assert window.file.path == second.absolute()
    type_at_end(qtbot, window, "?")
    window.save()
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=10_000)
    assert first.read_text(encoding="utf-8") == "first\n!"
    assert second.read_text(encoding="utf-8") == "second\n?"


def test_save_chosen_while_saving_is_queued_not_dropped(qtbot, window, tmp_path, slow_saves):
    path = tmp_path / "notes.txt"
    path.write_text("notes\n", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    type_at_end(qtbot, window, "one")
    window.save()
    type_at_end(qtbot, window, " two")
    window.save()  # while the first is still being written
    window.save()  # a third press adds no backlog: one more save covers both
    slow_saves.set()
    qtbot.waitUntil(
        lambda: not window.is_saving() and path.read_text(encoding="utf-8") == "notes\none two",
        timeout=10_000,
    )
    assert not window.is_dirty()
