"""Jobs kept from earlier sessions, above the job list: drafts to review, interrupted jobs to resume."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.jobstore.records import JobSummary, StoredState
from desktop_app.rewrite.actions import get_action

DRAFT_READY = "Draft ready for review"


def describe(job: JobSummary) -> str:
    """One line for a kept job: its action, its file, and where it stands."""
    try:
        label = get_action(job.action).plain_label
    except KeyError:
        label = job.action
    name = job.path.rsplit("/", 1)[-1] if job.path else "unsaved document"
    if job.state == StoredState.FINISHED:
        where = DRAFT_READY
    elif job.chunk_count:
        where = f"Interrupted — {job.chunks_done} of {job.chunk_count} chunks done"
    else:
        where = "Interrupted before it started"
    return f"{label} · {name} · {where}"


class _Row(QWidget):
    def __init__(self, job: JobSummary, owner: StoredList) -> None:
        super().__init__()
        self.label = QLabel(describe(job))
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        self.buttons: dict[str, QPushButton] = {}
        if job.state == StoredState.FINISHED:
            wanted = (("Review", owner.review_requested), ("Discard", owner.discard_requested))
        else:
            wanted = (("Resume", owner.resume_requested), ("Discard", owner.discard_requested))
        for text, signal in wanted:
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, s=signal, i=job.id: s.emit(i))
            layout.addWidget(button)
            self.buttons[text] = button


class StoredList(QWidget):
    """One row per kept job of the open document, each with Review or Resume, and Discard."""

    review_requested = Signal(str)  # store job id
    resume_requested = Signal(str)
    discard_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storedJobs")
        self._rows: dict[str, _Row] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        title = QLabel("<b>Kept from earlier</b>")
        self._layout.addWidget(title)
        self.hide()

    def set_jobs(self, jobs: list[JobSummary]) -> None:
        """Show exactly these jobs (newest first)."""
        for job_id in list(self._rows):
            self.remove(job_id)
        for job in jobs:
            row = self._rows[job.id] = _Row(job, self)
            self._layout.addWidget(row)
        self.setVisible(bool(self._rows))

    def remove(self, job_id: str) -> None:
        """Take a job's row away (resumed, reviewed or discarded)."""
        row = self._rows.pop(job_id, None)
        if row is not None:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.setVisible(bool(self._rows))

    def ids(self) -> list[str]:
        """The kept jobs shown."""
        return list(self._rows)

    def row_text(self, job_id: str) -> str | None:
        """A row's line (for tests)."""
        row = self._rows.get(job_id)
        return None if row is None else row.label.text()

    def button(self, job_id: str, text: str) -> QPushButton | None:
        """A row's "Review", "Resume" or "Discard" button (for tests)."""
        row = self._rows.get(job_id)
        return None if row is None else row.buttons.get(text)
