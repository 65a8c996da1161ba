"""The status bar: counts, cursor position, encoding, and the suggestion indicator."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget


def _fmt(count: int) -> str:
    return f"{count:,}"


class EditorStatusBar(QStatusBar):
    """Permanent fields on the right; transient messages on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.suggest_label = QLabel()
        self.suggest_label.setObjectName("suggestIndicator")
        self.encoding_label = QLabel()
        self.position_label = QLabel()
        self.counts_label = QLabel()
        for label in (
            self.suggest_label,
            self.encoding_label,
            self.position_label,
            self.counts_label,
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
