"""Wavy underlines under the visible issues, as the editor's extra selections.

Extra selections are painted over the text by `QPlainTextEdit` itself: they never enter the
document, its undo stack or the syntax highlighter's formats (the ghost text keeps out of them
in the same spirit, through the layout's preedit area). Only the issues of the blocks on
screen become selections, so a 20 MB document with thousands of issues costs what a page
costs. Selections that other features set are kept: ours carry a marker property and only
those are replaced.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QTextEdit

from desktop_app.proofreading.block_issues import BlockIssues
from desktop_app.proofreading.markup import utf16_offset

MARK = QTextFormat.Property.UserProperty + 0x1A7  # "this extra selection is an underline of ours"
COLOURS = {
    "spelling": QColor("#d32f2f"),  # red: a word the dictionary does not know
    "grammar": QColor("#1565c0"),  # blue: grammar and usage
    "style": QColor("#8e6c00"),  # ochre: style advice (off by default)
}
MARGIN_BLOCKS = 2  # underline a little beyond the screen: a scroll by a line shows them at once


def underline_format(category: str) -> QTextCharFormat:
    """The char format of one category's wavy underline."""
    fmt = QTextCharFormat()
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
    fmt.setUnderlineColor(COLOURS.get(category, COLOURS["grammar"]))
    fmt.setProperty(MARK, True)
    return fmt


def visible_blocks(editor) -> range:
    """Block numbers on screen (with a small margin).

    Walked down from the first visible block by its height, not hit-tested: a hit test that
    lands on ghost text (the layout's preedit, past the document's end) asks Qt for a position
    that does not exist. Only the first block's geometry is asked for: Qt finds each block's
    geometry by walking from the top one, so asking for every block was quadratic."""
    block = editor.firstVisibleBlock()
    first = last = block.blockNumber()
    layout = editor.document().documentLayout()
    top = editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top()
    bottom = editor.viewport().height()
    while block.isValid() and top < bottom:
        last = block.blockNumber()
        top += layout.blockBoundingRect(block).height()
        block = block.next()
    count = editor.document().blockCount()
    return range(max(0, first - MARGIN_BLOCKS), min(count, last + MARGIN_BLOCKS + 1))


def issue_cursor(document, block_number: int, text: str, start: int, end: int) -> QTextCursor:
    """A cursor selecting `text[start:end]` of block `block_number` (UTF-16 positions)."""
    return _select(document, document.findBlockByNumber(block_number), text, start, end)


def _select(document, block, text: str, start: int, end: int) -> QTextCursor:
    cursor = QTextCursor(document)
    cursor.setPosition(block.position() + utf16_offset(text, start))
    cursor.setPosition(block.position() + utf16_offset(text, end), QTextCursor.MoveMode.KeepAnchor)
    return cursor


class Underliner:
    """Turns the visible valid issues into the editor's extra selections."""

    def __init__(self, editor, issues: BlockIssues) -> None:
        self._editor = editor
        self._issues = issues
        self._formats = {name: underline_format(name) for name in COLOURS}
        self.shown = 0  # underlines now set

    def refresh(self, typing_at: tuple[int, int] | None = None) -> int:
        """Set the underlines for the blocks on screen; returns how many.

        `typing_at` (block, UTF-16 position): the writer is typing there, so an issue that
        reaches the cursor (the word not yet finished) is not underlined until they go on.
        """
        editor = self._editor
        document = editor.document()
        mine: list[QTextEdit.ExtraSelection] = []
        if len(self._issues):
            for number in visible_blocks(editor):
                # The block's text now, from the document itself: a copy kept elsewhere may not
                # have heard of the edit being handled, and an issue found in other text (or
                # another block, after a new line) must never be painted.
                block = document.findBlockByNumber(number)
                if not block.isValid():
                    continue
                text = block.text()
                for issue in self._issues.valid(number, text):
                    if typing_at is not None and typing_at[0] == number:
                        start, end = utf16_offset(text, issue.start), utf16_offset(text, issue.end)
                        if start < typing_at[1] <= end:
                            continue
                    selection = QTextEdit.ExtraSelection()
                    selection.cursor = _select(document, block, text, issue.start, issue.end)
                    selection.format = self._formats.get(issue.category, self._formats["grammar"])
                    mine.append(selection)
        others = [s for s in editor.extraSelections() if not s.format.hasProperty(MARK)]
        if mine or self.shown:
            editor.setExtraSelections(others + mine)
        self.shown = len(mine)
        return self.shown

    def clear(self) -> None:
        """Remove every underline of ours (checking turned off)."""
        editor = self._editor
        others = [s for s in editor.extraSelections() if not s.format.hasProperty(MARK)]
        editor.setExtraSelections(others)
        self.shown = 0
