"""The stretch of the document a rewrite job works on, tracked by a cursor while the writer types.

A `TrackedTarget` holds a `QTextCursor` selection over the target text. Qt moves the cursor with
every edit elsewhere, so the result lands where the text now is; if the writer edited the target
itself, `edited()` says so and nothing is applied without the writer's say.
"""

from __future__ import annotations

from PySide6.QtGui import QTextBlock, QTextCursor, QTextDocument

# selectedText() marks paragraph and line breaks with Unicode separators, not "\n".
_SEPARATORS = str.maketrans({"\u2029": "\n", "\u2028": "\n"})


def paragraph_bounds(block: QTextBlock) -> tuple[int, int]:
    """Start and end position of `block`'s text, without its paragraph separator."""
    start = block.position()
    return start, start + block.length() - 1


class TrackedTarget:
    """A selection over the target text that follows edits, and the text it held at submit."""

    def __init__(
        self, document: QTextDocument, start: int, end: int, source: object = None
    ) -> None:
        # What the text belonged to (the window's file): another file opened in the same
        # editor reuses the QTextDocument, and the cursor would land in the wrong text.
        self.source = source
        self.cursor = QTextCursor(document)
        self.cursor.setPosition(start)
        self.cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.snapshot = self.current_text()

    def clone(self) -> TrackedTarget:
        """A second tracker over the same text with the same snapshot (for Try again)."""
        twin = TrackedTarget.__new__(TrackedTarget)
        twin.cursor = QTextCursor(self.cursor)
        twin.snapshot = self.snapshot
        twin.source = self.source
        return twin

    def current_text(self) -> str:
        """The text under the tracked selection now."""
        return self.cursor.selectedText().translate(_SEPARATORS)

    def edited(self) -> bool:
        """True when the writer changed the target text itself since the job was submitted."""
        return self.current_text() != self.snapshot

    def replace(self, text: str) -> None:
        """Replace the tracked text with `text` as one undo step."""
        cursor = self.cursor
        cursor.beginEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()

    def insert_below(self, text: str) -> tuple[int, int]:
        """Insert `text` as a new paragraph after the target's paragraph (one undo step).

        Keeps the document's paragraph style: a blank line between paragraphs when the target
        is followed by one (or is the last paragraph), a single line break otherwise. Returns
        the inserted text's start and end positions.
        """
        document = self.cursor.document()
        start, end = self.cursor.selectionStart(), self.cursor.selectionEnd()
        block = document.findBlock(max(start, end - 1))
        following = block.next()
        blank_style = not following.isValid() or not following.text().strip()
        separator = "\n\n" if blank_style else "\n"
        at = paragraph_bounds(block)[1]
        cursor = QTextCursor(document)
        cursor.setPosition(at)
        cursor.beginEditBlock()
        cursor.insertText(separator + text)
        cursor.endEditBlock()
        return at + len(separator), at + len(separator) + len(text)


# Continue writing reads the end of the text before the cursor; more would be cut by the job.
CONTINUE_CONTEXT_CHARS = 6000


def tail(text: str, limit: int = CONTINUE_CONTEXT_CHARS) -> str:
    """The last `limit` characters of `text`, starting at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    space = min((i for i in (cut.find("\n"), cut.find(" ")) if i >= 0), default=-1)
    return cut[space + 1 :] if space >= 0 else cut


def pick_target(
    document: QTextDocument, cursor: QTextCursor, append: bool, whole: bool
) -> tuple[TrackedTarget, str] | None:
    """The target of a rewrite and the text to send, or None when there is nothing to rewrite.

    The target is the whole document, else the selection, else the paragraph (block) under the
    cursor, without its paragraph separator. For Continue writing (`append`) the target is the
    paragraph to continue after (the last one for the whole document), and the text sent is
    what precedes it, so the model continues the story rather than one paragraph. `cursor` is
    the writer's cursor, or one placed where they right-clicked.
    """
    if whole:
        text = document.toPlainText()
        if not text.strip():
            return None
        if not append:
            return TrackedTarget(document, 0, document.characterCount() - 1), text
        block = document.lastBlock()
        while block.isValid() and not block.text().strip():
            block = block.previous()
        return TrackedTarget(document, *paragraph_bounds(block)), tail(text)
    if cursor.hasSelection():
        target = TrackedTarget(document, cursor.selectionStart(), cursor.selectionEnd())
    else:
        target = TrackedTarget(document, *paragraph_bounds(cursor.block()))
    if not target.snapshot.strip():
        return None
    if append and not cursor.hasSelection():
        end = target.cursor.selectionEnd()
        start = max(0, end - CONTINUE_CONTEXT_CHARS)
        return target, tail(TrackedTarget(document, start, end).snapshot)
    return target, target.snapshot
