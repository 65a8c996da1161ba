"""When proofreading starts: once the inline model has loaded, or after a few seconds.

Building Harper's Linter takes about a second of a core, which the first inline suggestion
needs more at start-up; its imports (~60 ms) run on a worker, never on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer

START_AFTER_MS = 3000  # proofreading starts by then even if the inline model still loads


def _import_proofreading() -> None:
    import ui.proofreading.controller  # noqa: F401 - imported here, used on the GUI thread


class ProofreadingLauncher:
    """Starts the window's proofreading once, at the first good moment."""

    def __init__(self, window) -> None:
        self._window = window
        self._begun = False
        QTimer.singleShot(START_AFTER_MS, window, self.begin)

    def begin(self) -> None:
        """Start now (the inline model is settled); later calls do nothing."""
        if self._begun:
            return
        self._begun = True
        self._window.guard.background.run(_import_proofreading, self._imported)

    def _imported(self, imported: object) -> None:
        window = self._window
        if isinstance(imported, Exception):  # harper missing from the installation, say
            window.status.showMessage(f"Proofreading unavailable: {imported}", 10000)
            return
        from ui.proofreading.controller import ProofreadingUI

        if window.proofreading is None:
            window.proofreading = ProofreadingUI(window)
