"""A real main window with proofreading on, sharing one real Harper linter (no models loaded)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_app.settings import Settings

TIMEOUT = 20_000


@pytest.fixture(scope="session")
def harper():
    """One real Harper `Proofreader` for these tests: building one takes about a second."""
    from desktop_app.proofreading import Proofreader

    return Proofreader()


@pytest.fixture
def open_window(qtbot, harper):
    """`open_window(settings=None)`: a shown window whose proofreading is ready."""
    from desktop_app.model_host import ModelHost
    from desktop_app.proofreading.session import ProofreadSession
    from ui.main_window import MainWindow
    from ui.proofreading.controller import ProofreadingUI

    opened = []
    # A host that never loads a model: Fix Grammar must not need one.
    host = ModelHost(models_dir=Path(os.environ["INKLING_MODELS_DIR"]))

    def make(settings: Settings | None = None):
        settings = settings or Settings()
        window = MainWindow(settings)
        window.show()
        qtbot.waitExposed(window)
        window.start_services(model_host=host)
        prefs = settings.proofreading
        session = ProofreadSession(prefs.dialect or None, prefs.style, window)

        def linter():  # the shared Harper, filtering with this window's dictionary
            harper.dictionary = session.dictionary
            return harper

        session._factory = linter
        window.proofreading = ProofreadingUI(window, session)
        qtbot.waitUntil(lambda: session.is_ready, timeout=TIMEOUT)
        window.activateWindow()
        window.editor.setFocus()
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.editor.document().setModified(False)
        window.close()
        window.shutdown()
        window.deleteLater()
    harper.dictionary = None
    host.shutdown()


def underlined(window) -> list[str]:
    """The texts under the window's wavy underlines, in order."""
    from ui.proofreading.underlines import MARK

    return [
        s.cursor.selectedText()
        for s in window.editor.extraSelections()
        if s.format.hasProperty(MARK)
    ]


def wait_checked(qtbot, window) -> None:
    """Until the checker has been through the document as it is now (and it is painted)."""
    ui = window.proofreading
    done = []
    ui.session.idle.connect(lambda revision, _count: done.append(revision))
    ui.check_now()
    qtbot.waitUntil(lambda: window.editor.revision in done, timeout=TIMEOUT)
    ui.refresh()
