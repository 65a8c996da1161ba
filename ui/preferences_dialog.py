"""Edit → Preferences (placeholder until the preferences dialog lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog


class PreferencesDialog(QDialog):
    """Model choices per path, remote endpoint, local-only mode."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setWindowTitle("Preferences")
