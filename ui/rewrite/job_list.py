"""The job list: every rewrite of this session with its state and timings."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop_app.perf import format_ms
from desktop_app.rewrite.jobs import RewriteJob

COLUMNS = ("#", "Action", "Text", "State", "First token", "Final")
SNIPPET_CHARS = 30


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of `text` on one line, shortened with an ellipsis."""
    flat = " ".join(text[: limit * 8].split())  # never the whole text on a row update
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class JobList(QTableWidget):
    """One row per job: action, the start of its text, state, first-token and final times."""

    #: The writer double-clicked a job: show it in the review panel.
    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setObjectName("rewriteJobList")
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the text takes the rest
        header.setMinimumSectionSize(24)
        self._rows: dict[int, int] = {}  # job id -> row
        self._notes: dict[int, str] = {}  # job id -> what the writer did with the result
        self.cellDoubleClicked.connect(self._on_double_click)

    def update_job(self, job: RewriteJob) -> None:
        """Add the job's row, or refresh it."""
        row = self._rows.get(job.id)
        if row is None:
            row = self._rows[job.id] = self.rowCount()
            self.insertRow(row)
        state = job.state.value
        if job.id in self._notes:
            state = f"{state}, {self._notes[job.id]}"
        cells = (
            str(job.id),
            job.definition.plain_label,
            snippet(job.original),
            state,
            format_ms(job.stats.first_token_ms),
            format_ms(job.stats.final_ms),
        )
        for column, text in enumerate(cells):
            item = self.item(row, column)
            if item is None:
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.UserRole, job.id)
                if column in (0, 4, 5):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(row, column, item)
            if item.text() != text:
                item.setText(text)
        if job.error:
            self.item(row, 3).setToolTip(job.error)

    def note(self, job: RewriteJob, what: str) -> None:
        """Record what became of a finished job's result ("replaced", "discarded", …)."""
        self._notes[job.id] = what
        self.update_job(job)

    def state_text(self, job_id: int) -> str | None:
        """The State cell of a job (for tests and the benchmark)."""
        row = self._rows.get(job_id)
        return None if row is None else self.item(row, 3).text()

    def _on_double_click(self, row: int, _column: int) -> None:
        item = self.item(row, 0)
        if item is not None:
            self.open_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))
