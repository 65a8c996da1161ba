"""Preferences → Page: font and size, line spacing, column width and theme, applied at once;
and the model options said in a writer's words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel

from ui.page import apply_theme
from ui.preferences.dialog import PreferencesDialog


@pytest.fixture
def dialog(qtbot, window):
    dialog = PreferencesDialog(window)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=10_000)
    yield dialog
    dialog.close()
    apply_theme("system")  # the palette is the application's: give the next test the default


def _line_height(editor) -> float:
    block = editor.document().firstBlock()
    return editor.blockBoundingRect(block).height() / block.layout().lineCount()


def test_the_theme_follows_the_system_by_default(window):
    assert window.settings.appearance.theme == "system"
    assert QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Unknown


def test_page_choices_apply_to_the_editor_and_are_kept(qtbot, window, dialog):
    editor = window.editor
    editor.setPlainText("word " * 600)
    qtbot.waitUntil(editor.verticalScrollBar().isVisible)
    single = _line_height(editor)
    width = editor.viewport().width()
    page = dialog.page
    dialog.tabs.setCurrentWidget(page)
    page.size.setValue(16)
    page.spacing.setCurrentIndex(page.spacing.findData(2.0))
    page.column.setValue(50)
    page.theme.setCurrentIndex(page.theme.findData("dark"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    chosen = window.settings.appearance
    assert (chosen.font_size, chosen.line_spacing, chosen.column_chars) == (16, 2.0, 50)
    assert chosen.theme == "dark"
    assert editor.font().pointSize() == 16 + editor.zoom
    natural = QFontMetrics(editor.font()).height()
    assert single < 1.2 * natural
    assert _line_height(editor) >= 1.9 * natural
    assert editor.viewport().width() < width  # 50 characters of 16 pt, not 80 of 12 pt
    qtbot.waitUntil(lambda: editor.palette().color(QPalette.ColorRole.Base).lightness() < 80)
    assert QGuiApplication.palette().color(QPalette.ColorRole.Text).lightness() > 160
    apply_theme("system")  # back to the system's own colours
    qtbot.waitUntil(lambda: editor.palette().color(QPalette.ColorRole.Base).lightness() > 160)


def test_model_options_are_named_for_writers(dialog):
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Length of suggestions:" in texts and "Creativity:" in texts
    assert not any(t.startswith(("Max tokens", "Temperature")) for t in texts)
    details = dialog.sections["inline"].details.text()
    assert "max_tokens" in details and "temperature" in details
