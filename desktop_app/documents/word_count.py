"""Word counts kept up to date one changed range at a time, and the document's exact text.

Counting a 20 MB text's words takes about half a second, so counts are kept per block (paragraph)
and updated from each change's range: nothing on the keystroke path scans the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtGui import QTextBlock, QTextDocument

# The characters QTextCursor.insertText turns into block (paragraph) breaks.
_BLOCK_BREAK = re.compile("[\n\r\u2029\ufdd0\ufdd1]")
SLICE = 1 << 16  # characters inserted at a time: ~3 ms here


def block_word_counts(text: str) -> list[int]:
    """Words in each block the text makes in a QTextDocument (split as `count_words` does)."""
    counts: list[int] = []
    for _piece, piece_counts in text_slices(text, SLICE * 16):
        counts.extend(piece_counts)
    return counts


def text_slices(text: str, size: int = SLICE) -> Iterator[tuple[str, list[int]]]:
    """Cut `text` after line breaks into pieces of about `size`, each with its blocks' word counts.

    Joining the count lists gives the counts of the document holding the whole text.
    """
    pos = 0
    while True:
        end = text.find("\n", pos + size) + 1  # cut after a break: no block straddles two pieces
        if end <= 0:
            piece = text[pos:]
            yield piece, [len(part.split()) for part in _BLOCK_BREAK.split(piece)]
            return
        piece = text[pos:end]
        yield piece, [len(part.split()) for part in _BLOCK_BREAK.split(piece[:-1])]
        pos = end


def has_altered_characters(text: str) -> bool:
    """Whether `text` holds a character that `QTextDocument.toPlainText()` would change."""
    return "\u00a0" in text or "\u2028" in text


def document_text(document: QTextDocument, exact: bool = True) -> str:
    """The document's exact text, with "\n" between blocks.

    `toPlainText()` turns every no-break space into a plain space and every U+2028 line
    separator into a line break, so saving would silently change the writer's text; it is used
    only when the caller knows (`exact=False`) that neither occurs, as it saves a 20 MB replace.
    """
    if not exact:
        return document.toPlainText()
    return document.toRawText().replace("\u2029", "\n")


def blocks(document: QTextDocument, first: int, last: int) -> Iterator[QTextBlock]:
    """Blocks `first`..`last` (inclusive) of `document`."""
    block = document.findBlockByNumber(first)
    while block.isValid() and block.blockNumber() <= last:
        yield block
        block = block.next()


class WordCounter:
    """The editor's word and character counts, kept up to date one changed range at a time.

    It also notes whether the text ever held a no-break space or line separator (see
    `document_text`), so that the exact text can be had at the cheaper price when it did not.
    """

    def __init__(self, editor) -> None:
        self._editor = editor
        self._document: QTextDocument | None = None
        self._counts: list[int] = []
        self._total = 0
        self.paused = False  # while a caller replaces the whole text and will `reset` after
        self.altered = False  # the text may hold characters toPlainText() would change
        editor.edited.connect(self._on_edited)
        self.reset(editor.document())

    def reset(
        self, document: QTextDocument, counts: list[int] | None = None, altered: bool = True
    ) -> None:
        """Start counting `document`, whose per-block counts may be given, with `altered` saying
        whether its text has characters `toPlainText()` would change."""
        if counts is None or len(counts) != document.blockCount():
            texts = [b.text() for b in blocks(document, 0, document.blockCount())]
            counts = [len(t.split()) for t in texts]
            altered = any(has_altered_characters(t) for t in texts)
        self.altered = altered
        self._document = document
        self._counts = counts
        self._total = sum(counts)

    def text(self) -> str:
        """The document's exact text (see `document_text`)."""
        return document_text(self._editor.document(), exact=self.altered)

    @property
    def words(self) -> int:
        """Words in the document."""
        return self._total

    @property
    def chars(self) -> int:
        """Characters in the document (as `len(toPlainText())`)."""
        return max(0, self._document.characterCount() - 1) if self._document else 0

    def _on_edited(self, _revision: int, position: int, _removed: int, added: int) -> None:
        document = self._editor.document()
        if self.paused or document is not self._document:
            return
        total_blocks = document.blockCount()
        delta = total_blocks - len(self._counts)
        first = document.findBlock(position).blockNumber()
        end = document.findBlock(position + added)
        last = end.blockNumber() if end.isValid() else total_blocks - 1
        if first < 0:
            first = total_blocks - 1
        old_last = last - delta
        if old_last < first - 1 or old_last >= len(self._counts):
            self.reset(document)  # a change we cannot place: recount (never happens in tests)
            return
        texts = [b.text() for b in blocks(document, first, last)]
        if not self.altered:
            self.altered = any(has_altered_characters(t) for t in texts)
        fresh = [len(t.split()) for t in texts]
        self._total += sum(fresh) - sum(self._counts[first : old_last + 1])
        self._counts[first : old_last + 1] = fresh
