""" "Draft ready" notices: a desktop notification while the window is not active, a badge always.

When a job finishes while the writer is in another window, a desktop notification says which
action on which document is ready (`QSystemTrayIcon.showMessage` where a system tray exists,
otherwise `QApplication.alert`, which flashes the task-bar entry); clicking it opens the review.
Inside the window the job list's dock title counts the drafts not yet looked at:
"Rewrite Jobs (2 new)". Whether the window is active is asked through `is_active`, which tests
replace (an offscreen window cannot lose activation).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QDockWidget, QSystemTrayIcon, QWidget

from ui.icons import app_icon

TITLE = "Rewrite Jobs"
READY = "Draft ready for review"


class DraftNotices(QObject):
    """Notifies of finished drafts and counts the unseen ones on the job list's dock title."""

    #: The writer clicked a notification: open this draft's review (a session job id).
    open_requested = Signal(int)

    def __init__(
        self,
        window: QWidget,
        dock: QDockWidget,
        is_active: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.dock = dock
        self.is_active = is_active or (lambda: window.isActiveWindow())
        self._unseen_jobs: set[int] = set()  # session jobs whose draft the writer has not opened
        self._unseen_stored: set[str] = set()  # kept drafts of earlier sessions, not yet opened
        self._tray: QSystemTrayIcon | None = None
        self._last_job: int | None = None
        self.sent: list[tuple[str, str]] = []  # (title, message) of each notification sent

    # -- unseen drafts --------------------------------------------------------------------

    @property
    def unseen(self) -> int:
        """How many drafts wait unseen."""
        return len(self._unseen_jobs) + len(self._unseen_stored)

    def set_stored_unseen(self, ids: set[str]) -> None:
        """The kept drafts of the open document that were never opened."""
        self._unseen_stored = set(ids)
        self._update_title()

    def seen(self, job_id: int | None = None, stored_id: str | None = None) -> None:
        """The writer opened a draft."""
        if job_id is not None:
            self._unseen_jobs.discard(job_id)
        if stored_id is not None:
            self._unseen_stored.discard(stored_id)
        self._update_title()

    def _update_title(self) -> None:
        count = self.unseen
        self.dock.setWindowTitle(f"{TITLE} ({count} new)" if count else TITLE)

    # -- a draft is ready -----------------------------------------------------------------

    def draft_ready(self, job_id: int, action_label: str, document: str, shown: bool) -> bool:
        """A job finished; `shown` when its review is on screen. True if a notification went out."""
        if not shown or not self.is_active():
            self._unseen_jobs.add(job_id)
            self._update_title()
        if self.is_active():
            return False
        message = f"{action_label} on {document} is ready. Click to review it."
        self._last_job = job_id
        self.sent.append((READY, message))
        if QSystemTrayIcon.isSystemTrayAvailable():
            tray = self._tray_icon()
            tray.show()
            tray.showMessage(READY, message, app_icon(), 10_000)
        else:
            QApplication.alert(self.window, 0)
        return True

    def clicked(self) -> None:
        """The notification was clicked: bring the window up on the draft's review."""
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        if self._last_job is not None:
            self.open_requested.emit(self._last_job)

    def _tray_icon(self) -> QSystemTrayIcon:
        if self._tray is None:
            self._tray = QSystemTrayIcon(app_icon(), self)
            self._tray.setToolTip("Inkling")
            self._tray.messageClicked.connect(self.clicked)
            self._tray.activated.connect(lambda _reason: self.clicked())
        return self._tray

    def close(self) -> None:
        """Take the tray icon away (at quit)."""
        if self._tray is not None:
            self._tray.hide()
