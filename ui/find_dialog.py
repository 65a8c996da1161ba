"""A non-modal Find and Replace dialog for the editor."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class FindReplaceDialog(QDialog):
    """Find, Find Next, Replace and Replace All over a `QPlainTextEdit`'s document."""

    message = Signal(str)

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.setWindowTitle("Find and Replace")
        self.setModal(False)
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("Text to find")
        self.replace_edit = QLineEdit()
        self.replace_edit.setPlaceholderText("Replacement")
        self.case_box = QCheckBox("Match case")
        self.word_box = QCheckBox("Whole words")
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

        form = QFormLayout()
        form.addRow("Find:", self.find_edit)
        self.replace_label = QLabel("Replace with:")
        form.addRow(self.replace_label, self.replace_edit)
        options = QHBoxLayout()
        options.addWidget(self.case_box)
        options.addWidget(self.word_box)
        options.addStretch(1)

        self.find_button = QPushButton("Find Next")
        self.find_button.setDefault(True)
        self.replace_button = QPushButton("Replace")
        self.replace_all_button = QPushButton("Replace All")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.find_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.replace_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.replace_all_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.hide)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(options)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

        self.find_button.clicked.connect(self.find_next)
        self.replace_button.clicked.connect(self.replace_one)
        self.replace_all_button.clicked.connect(self.replace_all)
        self.find_edit.returnPressed.connect(self.find_next)

    def open_for(self, replace: bool) -> None:
        """Show the dialog, seeded with the selection, with or without the replace row."""
        for widget in (self.replace_label, self.replace_edit, self.replace_button):
            widget.setVisible(replace)
        self.replace_all_button.setVisible(replace)
        self.setWindowTitle("Find and Replace" if replace else "Find")
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_edit.setText(selected)
        self.status.clear()
        self.show()
        self.raise_()
        self.activateWindow()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def _flags(self) -> QTextDocument.FindFlag:
        flags = QTextDocument.FindFlag(0)
        if self.case_box.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        if self.word_box.isChecked():
            flags |= QTextDocument.FindFlag.FindWholeWords
        return flags

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.message.emit(text)

    def find_next(self) -> bool:
        """Select the next match after the cursor, wrapping around once; False if none."""
        needle = self.find_edit.text()
        if not needle:
            return False
        if self.editor.find(needle, self._flags()):
            self.status.clear()
            self.keep_clear_of_match()
            return True
        start = QTextCursor(self.editor.document())
        found = self.editor.document().find(needle, start, self._flags())
        if found.isNull():
            self._say(f"“{needle}” not found")
            return False
        self.editor.setTextCursor(found)
        self._say("Search wrapped to the start")
        self.keep_clear_of_match()
        return True

    def match_rect(self) -> QRect:
        """Where the selected match is on screen (global coordinates)."""
        editor, cursor = self.editor, self.editor.textCursor()
        start = QTextCursor(cursor)
        start.setPosition(cursor.selectionStart())
        end = QTextCursor(cursor)
        end.setPosition(cursor.selectionEnd())
        rect = editor.cursorRect(start).united(editor.cursorRect(end))
        return QRect(editor.viewport().mapToGlobal(rect.topLeft()), rect.size())

    def keep_clear_of_match(self) -> None:
        """Move the dialog off the match it found: below it if there is room, else above."""
        if not self.isVisible():
            return
        self.editor.ensureCursorVisible()
        match = self.match_rect().adjusted(-8, -8, 8, 8)
        frame = self.frameGeometry()
        if not frame.intersects(match):
            return
        screen = (self.screen() or self.editor.screen()).availableGeometry()
        below = match.bottom() + 1
        if below + frame.height() <= screen.bottom():
            top = below
        else:
            top = max(screen.top(), match.top() - frame.height())
        self.move(frame.left(), top)

    def _selection_matches(self) -> bool:
        selected = self.editor.textCursor().selectedText()
        needle = self.find_edit.text()
        if self.case_box.isChecked():
            return selected == needle
        return selected.casefold() == needle.casefold()

    def replace_one(self) -> None:
        """Replace the selected match (if it is one) and find the next."""
        if self.find_edit.text() and self._selection_matches():
            self.editor.textCursor().insertText(self.replace_edit.text())
        self.find_next()

    def replace_all(self) -> int:
        """Replace every match as one undo step; return how many were replaced."""
        needle = self.find_edit.text()
        if not needle:
            return 0
        document = self.editor.document()
        replacement = self.replace_edit.text()
        count = 0
        edit = QTextCursor(document)
        edit.beginEditBlock()
        found = document.find(needle, QTextCursor(document), self._flags())
        while not found.isNull():
            found.insertText(replacement)
            count += 1
            found = document.find(needle, found, self._flags())
        edit.endEditBlock()
        self._say(f"Replaced {count} occurrence{'s' if count != 1 else ''}")
        return count
