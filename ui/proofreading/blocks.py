"""The document's block texts as a Python list, kept up to date one changed range at a time.

The checker needs every block's text at every pause; reading 400,000 blocks of a 20 MB text
from Qt each time would stall the GUI thread, so the list follows the editor's `edited` signal
(as `WordCounter` does for counts): only the blocks an edit touched are read again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QTextDocument

from desktop_app.documents.word_count import blocks

MANY_BLOCKS = 2000
# (first block, its last block before the edit, change in block count)
OnChange = Callable[[int, int, int], None]


def all_block_texts(document: QTextDocument) -> list[str]:
    """Every block's exact text (blocks are separated by U+2029 in the raw text)."""
    return document.toRawText().split("\u2029")


class BlockMirror:
    """`texts[n]` is block n's text; `on_change(first, old_last, delta)` after each edit."""

    def __init__(self, editor, on_change: OnChange | None = None) -> None:
        self._editor = editor
        self._on_change = on_change
        self.texts: list[str] = []
        self._document: QTextDocument | None = None
        editor.edited.connect(self._on_edited)
        self.reset(notify=False)

    def reset(self, notify: bool = True) -> None:
        """Read every block again (a new document, or a change that cannot be placed)."""
        document = self._editor.document()
        old = len(self.texts)
        self.texts = all_block_texts(document)
        if len(self.texts) != document.blockCount():  # never seen; the slow, sure way
            self.texts = [b.text() for b in blocks(document, 0, document.blockCount())]
        self._document = document
        if notify and self._on_change is not None:
            self._on_change(0, max(0, old - 1), len(self.texts) - max(1, old))

    def text(self, block: int) -> str | None:
        """Block `block`'s text, or None when there is no such block."""
        return self.texts[block] if 0 <= block < len(self.texts) else None

    def _on_edited(self, _revision: int, position: int, _removed: int, added: int) -> None:
        document = self._editor.document()
        if document is not self._document:
            self.reset()
            return
        total = document.blockCount()
        delta = total - len(self.texts)
        first = document.findBlock(position).blockNumber()
        end = document.findBlock(position + added)
        last = end.blockNumber() if end.isValid() else total - 1
        if first < 0:
            first = total - 1
        old_last = last - delta
        if old_last < first - 1 or old_last >= len(self.texts):
            self.reset()
            return
        if last - first > MANY_BLOCKS:  # a whole text arrived: one read in C++, not 400,000
            fresh = all_block_texts(document)[first : last + 1]
        else:
            fresh = [b.text() for b in blocks(document, first, last)]
        self.texts[first : old_last + 1] = fresh
        if self._on_change is not None:
            self._on_change(first, old_last, delta)
