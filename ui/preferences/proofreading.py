"""Preferences → Proofreading: the English dialect (guessed by default) and style advice."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QWidget

GUESS = "Guess from the document"


class ProofreadingSection(QWidget):
    """The dialect Harper checks against, and whether style advice is flagged too."""

    def __init__(self, prefs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("proofreadingSection")
        from desktop_app.proofreading.linter import dialect_names

        self.dialect = QComboBox()
        self.dialect.setObjectName("proofreadDialect")
        self.dialect.addItem(GUESS, "")
        for name in dialect_names():
            self.dialect.addItem(name.capitalize(), name)
        index = self.dialect.findData(prefs.dialect)
        self.dialect.setCurrentIndex(max(0, index))
        self.style = QCheckBox("Also flag style advice (long sentences, dashes, wordiness…)")
        self.style.setObjectName("proofreadStyle")
        self.style.setChecked(prefs.style)
        note = QLabel(
            "Spelling and grammar are checked on this computer by Harper; nothing is sent "
            "anywhere. View → Check Spelling and Grammar turns the underlines off."
        )
        note.setWordWrap(True)
        layout = QFormLayout(self)
        layout.addRow("English dialect:", self.dialect)
        layout.addRow(self.style)
        layout.addRow(note)

    def apply(self, prefs) -> bool:
        """Store the choices in `prefs` (Settings.proofreading); True if anything changed."""
        dialect, style = self.dialect.currentData() or "", self.style.isChecked()
        changed = (dialect, style) != (prefs.dialect, prefs.style)
        prefs.dialect, prefs.style = dialect, style
        return changed
