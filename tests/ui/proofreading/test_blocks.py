"""The block-text mirror follows every kind of edit, one changed range at a time."""

from __future__ import annotations

import random

from PySide6.QtGui import QTextCursor

from ui.editor import Editor
from ui.proofreading.blocks import BlockMirror, all_block_texts


def test_the_mirror_matches_the_document_after_random_edits(qtbot):
    editor = Editor()
    qtbot.addWidget(editor)
    changes = []
    mirror = BlockMirror(editor, lambda *change: changes.append(change))
    editor.setPlainText("one\ntwo\u2028still two\nthree")
    assert mirror.texts == ["one", "two\u2028still two", "three"]
    rng = random.Random(5)
    pieces = ["a", "word ", "\n", "two\nlines", "", "é😀"]
    for _ in range(300):
        document = editor.document()
        cursor = QTextCursor(document)
        end = document.characterCount() - 1
        start = rng.randint(0, end)
        cursor.setPosition(start)
        cursor.setPosition(
            min(end, start + rng.choice([0, 0, 1, 5, 30])), cursor.MoveMode.KeepAnchor
        )
        cursor.insertText(rng.choice(pieces))
        assert mirror.texts == all_block_texts(document)
        assert len(mirror.texts) == document.blockCount()
    assert changes  # every edit was announced


def test_a_new_document_is_read_again(qtbot):
    from ui.documents.large_document import new_plain_document

    editor = Editor()
    qtbot.addWidget(editor)
    mirror = BlockMirror(editor)
    editor.setPlainText("old")
    fresh = new_plain_document(editor.font(), 4)
    fresh.setPlainText("new\ntext")
    editor.adopt_document(fresh)
    assert mirror.texts == ["new", "text"]
    assert mirror.text(1) == "text" and mirror.text(2) is None


def test_the_blocks_on_screen_are_found_without_hitting_ghost_text(qtbot, window):
    from PySide6.QtCore import qInstallMessageHandler

    from ui.proofreading.underlines import visible_blocks

    editor = window.editor
    editor.setPlainText("\n".join(f"Line {n}." for n in range(5)) + "\nThe last line")
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    editor.show_ghost(" and a long suggestion" * 40)  # wraps far below the last real line
    warnings: list[str] = []
    previous = qInstallMessageHandler(lambda _mode, _context, message: warnings.append(message))
    try:
        shown = visible_blocks(editor)
    finally:
        qInstallMessageHandler(previous)
    assert shown == range(0, 6)  # every block, the last one (with the ghost) included
    assert not [w for w in warnings if "out of range" in w]


def test_the_blocks_on_screen_match_each_blocks_own_geometry_when_scrolled(qtbot, window):
    from ui.proofreading.underlines import MARGIN_BLOCKS, visible_blocks

    editor = window.editor
    editor.line_spacing = 1.5  # the page's own layout moves lines: heights are not uniform
    editor.setPlainText(
        "\n".join(("A long wrapped line. " * (n % 4 * 6)) or "short" for n in range(400))
    )
    editor.verticalScrollBar().setValue(editor.verticalScrollBar().maximum() // 2)
    qtbot.waitUntil(lambda: editor.firstVisibleBlock().blockNumber() > 50)
    offset, bottom = editor.contentOffset(), editor.viewport().height()
    block, on_screen = editor.firstVisibleBlock(), []
    while block.isValid():  # the slow way: every block's geometry asked for on its own
        if editor.blockBoundingGeometry(block).translated(offset).top() >= bottom:
            break
        on_screen.append(block.blockNumber())
        block = block.next()
    shown = visible_blocks(editor)
    assert len(on_screen) > 3
    assert shown == range(on_screen[0] - MARGIN_BLOCKS, on_screen[-1] + MARGIN_BLOCKS + 1)
