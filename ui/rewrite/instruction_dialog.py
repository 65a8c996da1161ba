"""Rewrite → Custom Instruction…: the writer types an instruction or picks a recent one."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)


class InstructionDialog(QDialog):
    """A small dialog with an editable list of recent instructions, newest first."""

    def __init__(self, recent: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("instructionDialog")
        self.setWindowTitle("Custom Instruction")
        self.setMinimumWidth(460)
        label = QLabel("How should the text be rewritten?")
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(recent)
        self.combo.setCurrentIndex(-1)
        self.combo.lineEdit().setPlaceholderText(
            "e.g. Use British spelling; keep it under 50 words"
        )
        label.setBuddy(self.combo)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Rewrite")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.combo.editTextChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(self.buttons)
        self._update_ok()

    def instruction(self) -> str:
        """The instruction as typed, trimmed."""
        return self.combo.currentText().strip()

    def _update_ok(self, *_args) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.instruction()))


def ask_instruction(recent: list[str], parent: QWidget | None = None) -> str | None:
    """Show the dialog modally; the instruction, or None when the writer cancels."""
    dialog = InstructionDialog(recent, parent)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.instruction():
            return dialog.instruction()
        return None
    finally:
        dialog.deleteLater()
