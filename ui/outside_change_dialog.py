"""Telling the writer about their file without stopping their typing: a notice bar, a diff view.

The bar sits above the text and never takes focus, so news that arrives mid-sentence (another
program changed the file, it was opened with a fallback encoding) waits for the writer. The
diff dialog shows how two versions differ, for "Compare" and for crash recovery.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)


class NoticeBar(QToolBar):
    """A slim bar above the editor with a message and a few buttons; hidden when idle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Notices", parent)
        self.setObjectName("noticeBar")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)  # not something to switch on from a menu
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.kind: str | None = None
        self.label = QLabel()
        self.buttons: dict[str, QPushButton] = {}
        self.hide()

    def show_notice(
        self, kind: str, text: str, buttons: Sequence[tuple[str, Callable[[], None]]]
    ) -> None:
        """Show `text` with `buttons` (label, action), replacing any earlier notice."""
        self.clear()
        self.buttons = {}
        self.kind = kind
        self.label = QLabel(text)
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        self.label.setContentsMargins(8, 2, 8, 2)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(self.label)
        for label, action in buttons:
            button = QPushButton(label)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing must stay in the editor
            button.clicked.connect(lambda _checked=False, a=action: a())
            self.buttons[label.replace("&", "")] = button
            self.addWidget(button)
        close = QPushButton("✕")
        close.setToolTip("Hide this notice")
        close.setFlat(True)
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.clicked.connect(self.dismiss)
        self.addWidget(close)
        self.show()

    def dismiss(self, kind: str | None = None) -> None:
        """Hide the bar (only if it shows a notice of `kind`, when given)."""
        if kind is not None and kind != self.kind:
            return
        self.kind = None
        self.hide()


class DiffDialog(QDialog):
    """A unified diff in a read-only monospace view, with the buttons the caller needs.

    `choice` holds the label of the button that closed the dialog ("" for Esc / window close).
    """

    def __init__(
        self,
        title: str,
        message: str,
        diff: str,
        buttons: Sequence[str],
        parent: QWidget | None = None,
        object_name: str = "diffDialog",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.choice = ""
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.view = QPlainTextEdit()
        self.view.setObjectName("diffView")
        self.view.setReadOnly(True)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.view.setPlainText(diff or "(no differences)")
        row = QHBoxLayout()
        row.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for i, label in enumerate(buttons):
            button = QPushButton(label)
            button.setAutoDefault(i == 0)
            button.clicked.connect(lambda _checked=False, text=label: self._choose(text))
            self.buttons[label.replace("&", "")] = button
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        self.resize(760, 520)

    def _choose(self, label: str) -> None:
        self.choice = label.replace("&", "")
        self.accept()
