"""Preferences → Page: the font and size of the page, line spacing, the theme, the column width."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QFontComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from desktop_app.settings import Appearance
from ui.page import LINE_SPACINGS, THEMES, apply_appearance

SYSTEM_FONT = "System font"
SPACING_NAMES = {1.0: "Single", 1.5: "One and a half", 2.0: "Double"}


class AppearancePage(QWidget):
    """The writer's page; OK applies it at once (`apply`)."""

    def __init__(self, appearance: Appearance, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._initial = appearance
        self.system_font = QComboBox()  # "System font" or "Choose…": the family box below
        self.system_font.addItems([SYSTEM_FONT, "Another font:"])
        self.font_combo = QFontComboBox()
        if appearance.font_family:
            self.font_combo.setCurrentFont(QFont(appearance.font_family))
        self.system_font.setCurrentIndex(1 if appearance.font_family else 0)
        self.font_combo.setEnabled(bool(appearance.font_family))
        self.system_font.currentIndexChanged.connect(
            lambda index: self.font_combo.setEnabled(index == 1)
        )
        self.size = QSpinBox()
        self.size.setRange(6, 72)
        self.size.setSuffix(" pt")
        self.size.setValue(appearance.font_size)
        self.spacing = QComboBox()
        for value in LINE_SPACINGS:
            self.spacing.addItem(SPACING_NAMES.get(value, f"{value:g}"), value)
        near = min(LINE_SPACINGS, key=lambda v: abs(v - appearance.line_spacing))
        self.spacing.setCurrentIndex(LINE_SPACINGS.index(near))
        self.theme = QComboBox()
        for key, label in THEMES:
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(appearance.theme)))
        self.column = QSpinBox()
        self.column.setRange(40, 200)
        self.column.setSingleStep(5)
        self.column.setSuffix(" characters")
        self.column.setValue(appearance.column_chars)
        note = QLabel("Zoom (View menu) makes the page larger or smaller from this size.")
        note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Font:", self.system_font)
        form.addRow("", self.font_combo)
        form.addRow("Size:", self.size)
        form.addRow("Line spacing:", self.spacing)
        form.addRow("Text column, at most:", self.column)
        form.addRow("Theme:", self.theme)
        form.addRow(note)

    def appearance(self) -> Appearance:
        """The page as chosen here."""
        family = self.font_combo.currentFont().family() if self.system_font.currentIndex() else ""
        return replace(
            self._initial,
            font_family=family,
            font_size=self.size.value(),
            line_spacing=float(self.spacing.currentData()),
            theme=self.theme.currentData(),
            column_chars=self.column.value(),
        )

    def apply(self, window) -> None:
        """Store the choices and show them."""
        window.settings.appearance = self.appearance()
        apply_appearance(window, window.settings.appearance)
