"""A light Markdown highlighter: headings, emphasis, lists, quotes, inline and fenced code.

Each block (line) is formatted from its own text plus one state bit carried from the previous
line (inside a fenced code block or not), so typing re-highlights only the edited line. The
patterns are precompiled and avoid nested quantifiers: their cost grows with the line, never
with the document, and very long lines get only line-level formats.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

# Block states (QSyntaxHighlighter's default for "not yet highlighted" is -1).
NORMAL, IN_BACKTICK_FENCE, IN_TILDE_FENCE = 0, 1, 2

_FENCE = re.compile(r" {0,3}(```|~~~)")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_LIST = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")
_QUOTE = re.compile(r" {0,3}>")
_CODE_SPAN = re.compile(r"`[^`]+`")
# Delimited runs may not contain their own delimiter: each attempt stops at the next one, which
# keeps matching linear in the line's length (no catastrophic backtracking on "** ** ** …").
_STRONG = re.compile(r"\*\*(?=\S)[^*]+?(?<=\S)\*\*|(?<!\w)__(?=\S)[^_]+?(?<=\S)__(?!\w)")
_EMPHASIS = re.compile(
    r"(?<![*\w])\*(?=[^\s*])[^*]+?(?<=[^\s*])\*(?!\*)|(?<![_\w])_(?=[^\s_])[^_]+?(?<=[^\s_])_(?!\w)"
)

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


# Attaching a QSyntaxHighlighter formats every block at once on the GUI thread (~2.5 µs a block
# measured here, almost all of it Qt calling into Python): 50,000 blocks is ~0.15 s, while a
# 20 MB book of 356,000 lines took 0.9 s. Larger documents are left plain.
MAX_BLOCKS = 50_000


def is_markdown(path: str | Path | None) -> bool:
    """Whether a file should get Markdown highlighting (by its extension)."""
    return path is not None and Path(path).suffix.lower() in MARKDOWN_SUFFIXES


def highlighter_for(document: QTextDocument, path: str | Path | None) -> MarkdownHighlighter | None:
    """Attach a highlighter if `path` is Markdown and the document is small enough, else None."""
    if not is_markdown(path) or document.blockCount() > MAX_BLOCKS:
        return None
    return MarkdownHighlighter(document)


class MarkdownHighlighter(QSyntaxHighlighter):
    """Formats Markdown syntax in a QTextDocument as the writer types."""

    # Longer lines keep their line-level format (heading, quote, code) but skip inline scans.
    MAX_INLINE_CHARS = 10_000

    def __init__(self, parent: QTextDocument | None = None, dark: bool | None = None) -> None:
        super().__init__(parent)
        if dark is None:
            text = QGuiApplication.palette().color(QPalette.ColorRole.Text)
            dark = text.lightness() > 128  # light text means a dark background
        self._make_formats(dark)

    def _make_formats(self, dark: bool) -> None:
        accent = QColor("#7aa2f7" if dark else "#1f5fbf")
        muted = QColor("#8b93a7" if dark else "#6a7080")
        self.heading = QTextCharFormat()
        self.heading.setFontWeight(QFont.Weight.Bold)
        self.heading.setForeground(accent)
        self.strong = QTextCharFormat()
        self.strong.setFontWeight(QFont.Weight.Bold)
        self.emphasis = QTextCharFormat()
        self.emphasis.setFontItalic(True)
        self.marker = QTextCharFormat()
        self.marker.setForeground(accent)
        self.marker.setFontWeight(QFont.Weight.Bold)
        self.quote = QTextCharFormat()
        self.quote.setForeground(muted)
        self.quote.setFontItalic(True)
        self.code = QTextCharFormat()
        self.code.setFontFamilies(["monospace"])
        self.code.setFontFixedPitch(True)
        self.code.setForeground(QColor("#c0a36e" if dark else "#8a4b08"))
        self.code.setBackground(QColor(255, 255, 255, 18) if dark else QColor(0, 0, 0, 12))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        """Format one line; only its text and the previous line's fence state are looked at."""
        previous = self.previousBlockState()
        fence = _FENCE.match(text)
        if previous in (IN_BACKTICK_FENCE, IN_TILDE_FENCE):
            self.setFormat(0, len(text), self.code)
            closing = "```" if previous == IN_BACKTICK_FENCE else "~~~"
            closed = fence is not None and fence.group(1) == closing
            self.setCurrentBlockState(NORMAL if closed else previous)
            return
        if fence is not None:
            self.setFormat(0, len(text), self.code)
            opened = IN_BACKTICK_FENCE if fence.group(1) == "```" else IN_TILDE_FENCE
            self.setCurrentBlockState(opened)
            return
        self.setCurrentBlockState(NORMAL)
        if not text:
            return
        if _HEADING.match(text):
            self.setFormat(0, len(text), self.heading)
        elif _QUOTE.match(text):
            self.setFormat(0, len(text), self.quote)
        elif marker := _LIST.match(text):
            self.setFormat(marker.start(), marker.end() - marker.start(), self.marker)
        if len(text) <= self.MAX_INLINE_CHARS:
            self._inline(text)

    def _inline(self, text: str) -> None:
        if "`" in text:
            spans = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(text)]
            for start, end in spans:
                self.setFormat(start, end - start, self.code)
        else:
            spans = []
        if "*" not in text and "_" not in text:
            return
        for pattern, extra in ((_STRONG, self.strong), (_EMPHASIS, self.emphasis)):
            for m in pattern.finditer(text):
                start, end = m.span()
                if any(s < end and start < e for s, e in spans):
                    continue  # markers inside `code` are literal
                # Merge, so **bold** inside a heading stays a heading colour.
                merged = QTextCharFormat(self.format(start))
                merged.merge(extra)
                self.setFormat(start, end - start, merged)
