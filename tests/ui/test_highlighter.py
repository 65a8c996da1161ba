"""Tests for ui.highlighter: what gets formatted, fence state, and that edits stay local."""

from __future__ import annotations

import time

import pytest
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit

from ui.highlighter import (
    IN_BACKTICK_FENCE,
    IN_TILDE_FENCE,
    MAX_BLOCKS,
    NORMAL,
    MarkdownHighlighter,
    highlighter_for,
)


class CountingHighlighter(MarkdownHighlighter):
    calls = 0

    def highlightBlock(self, text):  # noqa: N802 - Qt override
        CountingHighlighter.calls += 1
        super().highlightBlock(text)


def _doc(qtbot, text: str, cls=MarkdownHighlighter) -> tuple[QTextDocument, QPlainTextEdit]:
    # A real plain-text editor's document: without a layout Qt reports no edits to highlighters.
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.setPlainText(text)
    doc = editor.document()
    cls(doc, dark=False).rehighlight()  # parented to the document, which keeps it
    return doc, editor


def _ranges(doc: QTextDocument, line: int) -> list[tuple[str, object]]:
    """(covered text, format) for each formatted range of a line."""
    block = doc.findBlockByNumber(line)
    text = block.text()
    # Copy each format: the ones in the returned list die with it.
    return [
        (text[r.start : r.start + r.length], QTextCharFormat(r.format))
        for r in block.layout().formats()
    ]


def _covered(doc, line: int, what: str, check) -> bool:
    return any(piece == what and check(fmt) for piece, fmt in _ranges(doc, line))


def _bold(fmt) -> bool:
    return fmt.fontWeight() == QFont.Weight.Bold


def test_line_and_inline_formats(qtbot):
    doc, _editor = _doc(
        qtbot,
        "# Title with *slant*\n"
        "Plain *soft* and **loud** and _under_ and __double__.\n"
        "- first item\n"
        "12. numbered\n"
        "> a quote\n"
        "Use `x * y * z` inline.\n"
        "snake_case_name and 2 * 3 * 4 stay plain\n",
    )
    assert _covered(doc, 0, "# Title with ", _bold)
    # Emphasis inside a heading keeps the heading's weight and colour.
    heading_blue = QColor("#1f5fbf")
    assert _covered(
        doc,
        0,
        "*slant*",
        lambda f: f.fontItalic() and _bold(f) and f.foreground().color() == heading_blue,
    )
    assert _covered(doc, 1, "*soft*", lambda f: f.fontItalic())
    assert _covered(doc, 1, "**loud**", _bold)
    assert _covered(doc, 1, "_under_", lambda f: f.fontItalic())
    assert _covered(doc, 1, "__double__", _bold)
    assert _covered(doc, 2, "-", _bold)
    assert _covered(doc, 3, "12.", _bold)
    assert _covered(doc, 4, "> a quote", lambda f: f.fontItalic())
    assert _covered(doc, 5, "`x * y * z`", lambda f: f.fontFixedPitch())
    assert not any(f.fontItalic() for _, f in _ranges(doc, 5))  # "* y *" inside code is literal
    assert _ranges(doc, 6) == []


def test_fenced_code_blocks_carry_state(qtbot):
    doc, _editor = _doc(
        qtbot,
        "before\n```python\n# not a heading\n*not emphasis*\n~~~\n```\n# heading again\n"
        "~~~\n```\n~~~\nafter",
    )
    states = [doc.findBlockByNumber(i).userState() for i in range(doc.blockCount())]
    assert states == [
        NORMAL,
        IN_BACKTICK_FENCE,
        IN_BACKTICK_FENCE,
        IN_BACKTICK_FENCE,
        IN_BACKTICK_FENCE,  # a tilde line does not close a backtick fence
        NORMAL,
        NORMAL,
        IN_TILDE_FENCE,
        IN_TILDE_FENCE,
        NORMAL,
        NORMAL,
    ]
    for line in (2, 3):
        ((_, fmt),) = _ranges(doc, line)
        assert fmt.fontFixedPitch() and not fmt.fontItalic() and not _bold(fmt)
    assert _covered(doc, 6, "# heading again", _bold)


def test_typing_rehighlights_only_the_edited_line(qtbot):
    lines = [f"Line {i} with *some* words" for i in range(20_000)]
    doc, _editor = _doc(qtbot, "\n".join(lines), CountingHighlighter)
    CountingHighlighter.calls = 0
    cursor = QTextCursor(doc.findBlockByNumber(10_000))
    for ch in "typing **here**":
        cursor.insertText(ch)
    assert CountingHighlighter.calls == len("typing **here**")
    assert _covered(doc, 10_000, "**here**", _bold)
    # Opening a fence re-formats what follows until the state settles; closing it restores.
    cursor = QTextCursor(doc.findBlockByNumber(100))
    cursor.insertText("```\n")
    assert doc.findBlockByNumber(19_000).userState() == IN_BACKTICK_FENCE
    CountingHighlighter.calls = 0
    cursor = QTextCursor(doc.findBlockByNumber(103))
    cursor.insertText("```\n")
    assert doc.findBlockByNumber(19_000).userState() == NORMAL
    assert doc.findBlockByNumber(103).userState() == NORMAL


@pytest.mark.parametrize("unit", ["** ", "**a ", "*a ", "*a *", "__x ", "` ", "_a_b "])
def test_pathological_lines_stay_cheap(qtbot, unit):
    text = unit * (9_000 // len(unit))  # just under MAX_INLINE_CHARS: inline scans still run
    doc = QTextDocument()
    doc.setPlainText(text)
    started = time.perf_counter()
    hl = MarkdownHighlighter(doc, dark=True)
    hl.rehighlight()
    elapsed = time.perf_counter() - started
    # Linear patterns take about a millisecond; a lazy ".+?" between delimiters took 260 ms.
    assert elapsed < 0.1, f"{elapsed:.3f}s for one {len(text)}-char line of {unit!r}"


def test_highlighter_for_only_small_markdown(qtbot):
    doc = QTextDocument()
    doc.setPlainText("# hi\n")
    assert highlighter_for(doc, "notes.txt") is None
    assert highlighter_for(doc, None) is None
    assert isinstance(highlighter_for(doc, "Notes.MD"), MarkdownHighlighter)
    big = QTextDocument()
    big.setPlainText("x\n" * (MAX_BLOCKS + 1))
    assert highlighter_for(big, "big.md") is None
