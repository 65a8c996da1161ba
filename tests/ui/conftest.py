"""Fixtures for widget tests: a main window, and a way to answer its modal questions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.settings import Settings


@pytest.fixture
def window(qtbot):
    from ui.main_window import MainWindow

    win = MainWindow(Settings())
    win.show()
    qtbot.waitExposed(win)
    yield win
    # Closed here, not by qtbot: a dirty window would ask Save / Discard / Cancel at teardown.
    win.editor.document().setModified(False)
    win.close()
    win.shutdown()
    win.deleteLater()


def answer_next_box(button: QMessageBox.StandardButton, seen: list | None = None) -> None:
    """Click `button` on the next message box that opens (polling until it does)."""

    def poll() -> None:
        box = QApplication.activeModalWidget()
        # A box without that button is not the one we wait for (one left by another test).
        if isinstance(box, QMessageBox) and box.isVisible() and box.button(button) is not None:
            if seen is not None:
                seen.append(box.text())
            box.button(button).click()
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
