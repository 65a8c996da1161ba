"""Shortcuts: none collides with AltGr or with another command; every one can be changed.

The window runs with its services started (against a model host with no models: these tests are
about keys, not rewrites), so the Rewrite menu's actions are there with their keys.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from desktop_app.settings import load_settings
from desktop_app.shortcuts import is_altgr
from ui.preferences.dialog import PreferencesDialog

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def win(qtbot, window):
    from desktop_app.model_host import ModelHost

    host = ModelHost(window)  # never started: no model loads
    window.start_services(model_host=host)
    window.activateWindow()
    qtbot.waitActive(window)
    window.editor.setFocus()
    return window


def _all_keys(window) -> list[tuple[str, str]]:
    return [
        (action.text(), key.toString())
        for action in window.findChildren(QAction)
        if action.parent() is window
        for key in action.shortcuts()
    ]


def _dialog(qtbot, window) -> PreferencesDialog:
    dialog = PreferencesDialog(window)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=10_000)  # the keychain was looked for
    dialog.tabs.setCurrentWidget(dialog.shortcuts)
    return dialog


def _press_into(qtbot, edit, key, modifiers) -> None:
    edit.setFocus()
    with qtbot.waitSignal(edit.editingFinished, timeout=5000):
        qtbot.keyClick(edit, key, modifiers)


def test_no_shortcut_is_altgr_or_given_twice(win):
    keys = _all_keys(win)
    assert any(text.replace("&", "") == "Summarize" for text, _ in keys)
    assert [k for k in keys if is_altgr(k[1])] == []
    seen: dict[str, str] = {}
    for text, key in keys:
        assert key not in seen, f"{key} is both {seen[key]} and {text}"
        seen[key] = text


def test_altgr_letters_reach_the_text(qtbot, win):
    # AltGr arrives as Ctrl+Alt with the letter it makes (Windows; many Linux layouts alike).
    QTest.sendKeyEvent(QTest.KeyAction.Click, win.editor, Qt.Key.Key_S, "ś", CTRL_ALT)
    QTest.sendKeyEvent(QTest.KeyAction.Click, win.editor, Qt.Key.Key_C, "ć", CTRL_ALT)
    assert win.editor.toPlainText() == "ść"
    assert win.rewrite_ui.queue.jobs() == []


def test_a_shortcut_changed_in_preferences_is_kept_and_works(qtbot, win):
    dialog = _dialog(qtbot, win)
    _press_into(qtbot, dialog.shortcuts.edits["rewrite_summarize"], Qt.Key.Key_Y, CTRL_SHIFT)
    assert "Ctrl+Shift+Y" in dialog.shortcuts.message.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert win.settings.shortcuts == {"rewrite_summarize": "Ctrl+Shift+Y"}
    assert win.rewrite_ui.actions["summarize"].shortcut().toString() == "Ctrl+Shift+Y"
    win.settings_writer.flush()
    assert load_settings().shortcuts == {"rewrite_summarize": "Ctrl+Shift+Y"}
    win.editor.setPlainText("A paragraph to summarize, long enough to be one.")
    win.activateWindow()
    win.editor.setFocus()
    qtbot.waitUntil(win.editor.hasFocus)
    qtbot.keyClick(win.editor, Qt.Key.Key_Y, CTRL_SHIFT)
    assert [job.action for job in win.rewrite_ui.queue.jobs()] == ["summarize"]


def test_a_clashing_shortcut_is_refused_with_the_reason(qtbot, win):
    dialog = _dialog(qtbot, win)
    edit = dialog.shortcuts.edits["rewrite_summarize"]
    before = edit.keySequence().toString()
    _press_into(qtbot, edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "Save" in dialog.shortcuts.message.text()
    assert edit.keySequence().toString() == before
    _press_into(qtbot, edit, Qt.Key.Key_S, CTRL_ALT)
    assert "AltGr" in dialog.shortcuts.message.text()
    assert edit.keySequence().toString() == before
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert win.settings.shortcuts == {}
    assert win.rewrite_ui.actions["summarize"].shortcut().toString() == before
