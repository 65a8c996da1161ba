"""The status bar: counts, cursor position, encoding, and the suggestion indicator."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

ELIDED_MAX_WIDTH = 420  # an eliding field asks for no more than this; it never needs it


def _fmt(count: int) -> str:
    return f"{count:,}"


class ElidingLabel(QLabel):
    """A one-line label that shortens its text with "…" instead of widening the window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().averageCharWidth() * 6, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        width = self.fontMetrics().horizontalAdvance(self.text()) + 4
        return QSize(min(width, ELIDED_MAX_WIDTH), super().sizeHint().height())

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(self.contentsRect(), int(align), self.shown_text())

    def shown_text(self) -> str:
        """The text as painted now (elided to the label's width)."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)


class EditorStatusBar(QStatusBar):
    """Permanent fields on the right; transient messages on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.suggest_label = ElidingLabel()  # a reason can be long: it must not widen the window
        self.suggest_label.setObjectName("suggestIndicator")
        self.encoding_label = QLabel()
        self.position_label = QLabel()
        self.counts_label = QLabel()
        self.session_label = QLabel()  # words written since the document was opened
        self.session_label.setObjectName("sessionCount")
        self.session_label.setToolTip("Words written since this document was opened")
        self._session_start: int | None = None
        self.proofread_label = QLabel()  # spelling and grammar: "3 issues" (ui.proofreading)
        self.proofread_label.setObjectName("proofreadCount")
        for label in (
            self.proofread_label,
            self.suggest_label,
            self.encoding_label,
            self.position_label,
            self.counts_label,
            self.session_label,
        ):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        self.set_counts(0, 0)
        self.set_position(1, 1)

    def set_counts(self, words: int, chars: int) -> None:
        """Show the document's word and character counts."""
        self.counts_label.setText(
            f"{_fmt(words)} word{'s' if words != 1 else ''}, "
            f"{_fmt(chars)} character{'s' if chars != 1 else ''}"
        )
        if self._session_start is not None:
            written = words - self._session_start
            sign = "+" if written >= 0 else "−"
            self.session_label.setText(f"{sign}{_fmt(abs(written))} this session")

    def start_session(self, words: int) -> None:
        """Count the session's words from `words` (the document's count as it was opened)."""
        self._session_start = words
        self.session_label.setText("+0 this session")

    def set_position(self, line: int, column: int) -> None:
        """Show the cursor's line and column (both from 1)."""
        self.position_label.setText(f"Ln {line}, Col {column}")

    def set_encoding(self, text: str) -> None:
        """Show the file's encoding and line endings, e.g. "UTF-8 · LF"."""
        self.encoding_label.setText(text)

    def set_suggestion_state(self, text: str, tooltip: str = "") -> None:
        """Show the inline-suggestion indicator ("Suggestions: idle", …)."""
        self.suggest_label.setText(text)
        self.suggest_label.setToolTip(tooltip)

    def set_proofread_state(self, text: str, tooltip: str = "") -> None:
        """Show the spelling and grammar field ("3 issues"; "" hides it)."""
        self.proofread_label.setText(text)
        self.proofread_label.setToolTip(tooltip)
        self.proofread_label.setVisible(bool(text))
