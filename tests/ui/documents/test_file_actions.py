"""Saving in the window: a save belongs to the document it was made for, and a Save chosen
while another is being written is queued, never dropped."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox

from desktop_app.documents import document as document_module
from tests.ui.documents.test_document_guard import click_box_button


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


def test_unencodable_text_offers_save_with_encoding_from_the_failure(
    qtbot, window, tmp_path, monkeypatch
):
    path = tmp_path / "old.txt"
    path.write_bytes("Café crème\r\n".encode("cp1252"))
    open_and_wait(qtbot, window, path)
    assert window.file.format.encoding == "cp1252"
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.editor.insertPlainText("Erdős 😀")  # typed with an input method
    asked: list[str] = []
    monkeypatch.setattr(window, "ask_save_encoding", lambda: asked.append("?") or "utf-8")
    seen: list = []
    click_box_button("Save with Encoding…", seen)
    window.save()
    qtbot.waitUntil(lambda: bool(seen) and bool(asked), timeout=10_000)
    assert "Cannot encode" in seen[0][1]
    qtbot.waitUntil(lambda: not window.is_saving() and not window.is_dirty(), timeout=10_000)
    assert path.read_bytes() == "Café crème\r\nErdős 😀".encode()
    assert window.file.format.encoding == "utf-8"
    assert window.status.encoding_label.text().startswith("UTF-8")
    type_at_end(qtbot, window, "!")
    window.save()  # later saves stay in UTF-8
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=10_000)
    assert path.read_bytes() == "Café crème\r\nErdős 😀!".encode()


def test_file_menu_save_with_encoding_offers_utf8_first(qtbot, window, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    path = tmp_path / "latin.txt"
    path.write_bytes("naïve\n".encode("cp1252"))
    open_and_wait(qtbot, window, path)
    window.guard.ensure_menus()
    file_menu = window.menuBar().actions()[0].menu()
    labels = [a.text().replace("&", "") for a in file_menu.actions()]
    assert labels.index("Save with Encoding…") == labels.index("Save As…") + 1
    action = next(a for a in file_menu.actions() if a.objectName() == "saveWithEncoding")
    offered: list[list[str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QInputDialog):
            QTimer.singleShot(10, answer)
            return
        offered.append(box.comboBoxItems())
        box.setTextValue(box.comboBoxItems()[0])
        box.accept()

    QTimer.singleShot(0, answer)
    action.trigger()
    qtbot.waitUntil(lambda: bool(offered) and not window.is_saving(), timeout=10_000)
    assert "UTF-8" in offered[0][0]
    assert path.read_bytes() == "naïve\n".encode()
    assert window.file.format.encoding == "utf-8" and not window.file.encoding_fallback


def test_bad_utf8_bytes_are_marked_and_the_notice_says_saving_replaces_them(
    qtbot, window, tmp_path
):
    path = tmp_path / "draft.md"
    path.write_bytes("Résumé — “done”\nsecond line\nthird \xe9 line\n".encode() + b"x\xffy\n")
    # (that "\xe9" is a real é; the bad byte is the lone 0xFF on line 4)
    open_and_wait(qtbot, window, path)
    assert window.editor.toPlainText().startswith("Résumé — “done”")  # not mojibake
    assert "x\ufffdy" in window.editor.toPlainText()
    bar = window.guard.bar
    assert bar.isVisible() and bar.kind == "encoding"
    notice = bar.label.text()
    assert "1 byte" in notice and "line 4" in notice and "Saving replaces" in notice
    assert not window.is_dirty()


def test_mixed_line_endings_survive_an_edit_in_the_window(qtbot, window, tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"dos line\r\nunix line\nold mac line\rlast\r\n")
    open_and_wait(qtbot, window, path)
    assert window.editor.toPlainText() == "dos line\nunix line\nold mac line\nlast\n"
    window.save()  # unedited: byte for byte
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=10_000)
    assert path.read_bytes() == b"dos line\r\nunix line\nold mac line\rlast\r\n"
    cursor = window.editor.textCursor()
    cursor.setPosition(len("dos line\nunix line"))
    window.editor.setTextCursor(cursor)
    qtbot.keyClicks(window.editor, " edited")
    qtbot.keyClick(window.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(window.editor, "typed")
    window.save()
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=10_000)
    # The edited line keeps its own ending; the new line gets the file's most common one.
    assert path.read_bytes() == b"dos line\r\nunix line edited\ntyped\r\nold mac line\rlast\r\n"


def test_a_big_document_is_saved_without_copying_it_in_one_go(qtbot, window, tmp_path):
    line = "A line of a long novel, with a no-break\u00a0space.\r\n"
    path = tmp_path / "novel.txt"
    path.write_bytes((line * 60_000).encode())  # ~3 MB
    open_and_wait(qtbot, window, path)
    type_at_end(qtbot, window, "The end.")
    window.save()
    # The text is taken a few milliseconds at a time, in later event-loop turns.
    assert window.is_saving() and window.guard.copier.busy()
    qtbot.waitUntil(lambda: not window.is_saving(), timeout=30_000)
    assert path.read_bytes() == (line * 60_000).encode() + b"The end."
    assert not window.is_dirty()
