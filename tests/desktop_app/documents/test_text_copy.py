"""The document's text copied across event-loop turns: exact, never in one long GUI stall, and
consistent when the writer edits during the copy."""

from __future__ import annotations

import time

import pytest
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout

from desktop_app.documents import text_copy
from desktop_app.documents.text_copy import TextCopier

LINE = "Une ligne\u00a0: avec\u2028séparateur et 😀 emoji, comme il faut.\n"
PLAIN = "A line of plain text, with no character outside the first plane.\n"


def make_document(chars: int, line: str = LINE) -> tuple[QTextDocument, str]:
    text = line * (chars // len(line)) + "last line without a break"
    document = QTextDocument()
    document.setDocumentLayout(QPlainTextDocumentLayout(document))
    QTextCursor(document).insertText(text)
    return document, text


def exact_text(document: QTextDocument) -> str:
    return document.toRawText().replace("\u2029", "\n")


@pytest.fixture
def timed_steps(monkeypatch):
    """Seconds each event-loop turn of copying took."""
    took: list[float] = []
    real = TextCopier._step

    def step(self) -> None:
        started = time.perf_counter()
        real(self)
        took.append(time.perf_counter() - started)

    monkeypatch.setattr(TextCopier, "_step", step)
    return took


def test_copy_is_exact_and_spread_over_event_loop_turns(qtbot, timed_steps):
    document, text = make_document(6_000_000)
    copier = TextCopier()
    got: list = []
    copier.copy(document, got.append)
    assert got == [] and copier.busy()  # nothing copied in the caller's turn
    qtbot.waitUntil(lambda: bool(got), timeout=30_000)
    pieces = got[0]
    assert "".join(pieces) == text
    assert len(pieces) > 4 and max(map(len, pieces)) <= text_copy.MAX_PIECE
    assert len(timed_steps) > 1
    # A whole copy would be one step of all 6 M characters; each turn stays short (wide bound:
    # the machine may be busy).
    assert sorted(timed_steps)[len(timed_steps) // 2] < 0.02


def test_short_text_is_copied_at_once():
    document, text = make_document(1000)
    got: list = []
    TextCopier().copy(document, got.append)
    assert got == [[text]]


def test_edits_during_the_copy_are_all_in_the_result(qtbot):
    document, _text = make_document(3_000_000)
    copier = TextCopier()
    got: list = []
    at_end: list[str] = []

    def done(pieces) -> None:
        got.append(pieces)
        at_end.append(exact_text(document))  # what the document held when the copy ended

    copier.copy(document, done)
    copier._timer.stop()  # one turn by hand, so the edits land mid-copy
    copier._step()
    assert 0 < copier._copies[0].copied < document.characterCount() // 2
    copier._timer.start()
    cursor = QTextCursor(document)
    cursor.insertText("Typed at the start, in the part already copied. ")
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertText("\nTyped at the end, not copied yet.")
    qtbot.waitUntil(lambda: bool(got), timeout=30_000)
    assert "".join(got[0]) == at_end[0]
    assert at_end[0].startswith("Typed at the start") and at_end[0].endswith("not copied yet.")


def test_a_writer_who_never_pauses_still_gets_the_copy(qtbot):
    document, _text = make_document(3_000_000)
    copier = TextCopier()
    got: list = []
    copier.copy(document, got.append)
    typed = 0

    def type_at_start() -> None:
        nonlocal typed
        typed += 1
        QTextCursor(document).insertText("x")

    copier._timer.stop()  # turns by hand: the writer types at the start after each one
    copy = copier._copies[0]
    while not got and typed < 200:
        copier._step()
        if not got:
            type_at_start()
    assert got and "".join(got[0]) == exact_text(document)
    # Each edit was re-copied on its own: the text was copied about once, never restarted.
    assert copy.copied < 1.1 * document.characterCount()
    assert typed < 100


def test_finish_all_completes_now_and_a_deleted_document_gives_none(qtbot):
    document, text = make_document(2_000_000)
    copier = TextCopier()
    got: list = []
    copier.copy(document, got.append)
    copier.finish_all()
    assert "".join(got[0]) == text and not copier.busy()
    other, _ = make_document(2_000_000)
    copier.copy(other, got.append)
    other.deleteLater()
    qtbot.waitUntil(lambda: len(got) == 2, timeout=10_000)
    assert got[1] is None


@pytest.mark.parametrize("line", [PLAIN, LINE], ids=["plain", "surrogates"])
def test_random_edits_between_turns_end_in_the_exact_text(qtbot, line):
    import random

    document, _text = make_document(2_000_000, line)
    copier = TextCopier(budget_ms=1.0)
    got: list = []
    copier.copy(document, got.append)
    copier._timer.stop()
    rng = random.Random(7)
    while not got:
        copier._step()
        if got:
            break
        cursor = QTextCursor(document)
        length = document.characterCount() - 1
        cursor.setPosition(rng.randrange(length))
        kind = rng.randrange(4)
        if kind == 0:
            cursor.insertText(rng.choice(["x", "new\nlines\n", "é😀"]))
        elif kind == 1:  # a deletion, sometimes across many blocks
            cursor.setPosition(
                min(length, cursor.position() + rng.choice([1, 50, 5000])),
                QTextCursor.MoveMode.KeepAnchor,
            )
            if "\ud83d" not in cursor.selectedText()[-1:]:  # never half of a pair
                cursor.removeSelectedText()
        elif kind == 2:
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(" the end")
        else:
            QTextCursor(document).insertText("top ")
    assert "".join(got[0]) == exact_text(document)
