"""The status-bar field of the running rewrite: its honest stage, elapsed time and Cancel."""

from __future__ import annotations

import re
import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from desktop_app.rewrite.jobs import JobProgress
from ui.status_bar import ElidingLabel

TICK_MS = 200  # the elapsed time keeps moving even while no progress arrives
# A stage may end with its own elapsed time ("Drafting — 42 tokens, 3.1 s"): the field shows
# the live one beside it, so the stage's copy goes.
_STAGE_TIME = re.compile(r"(?:,\s*|\s+)\d+(?:\.\d+)?\s*s$")


class RewriteStatus(QWidget):
    """ "Fix Grammar: Drafting — 42 tokens, 3.1 s · 3.4 s [Cancel]", a bar only for real fractions."""

    cancel_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rewriteStatus")
        self.job_id: int | None = None
        self._created = 0.0
        self.stage_label = ElidingLabel()
        self.stage_label.setObjectName("rewriteStage")
        self.elapsed_label = QLabel()
        self.elapsed_label.setObjectName("rewriteElapsed")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("rewriteProgress")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(110)
        self.progress_bar.setMaximumHeight(14)
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("rewriteCancel")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Cancel this rewrite (the document stays as it is)")
        self.cancel_button.clicked.connect(self._on_cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 0)
        layout.setSpacing(6)
        layout.addWidget(self.stage_label, 1)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.elapsed_label)
        layout.addWidget(self.cancel_button)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.clear()

    def show_job(
        self, job_id: int, label: str, created: float, progress: JobProgress, queued: int
    ) -> None:
        """Show `progress` of job `job_id` (`created` is its monotonic submit time)."""
        self.job_id, self._created = job_id, created
        more = f" (+{queued} queued)" if queued else ""
        stage = _STAGE_TIME.sub("", progress.stage)
        self.stage_label.setText(f"{label}: {stage}{more}")
        fraction = progress.fraction
        # Only a real fraction (chunks done of chunks) gets a bar; never an invented percentage.
        self.progress_bar.setVisible(fraction is not None)
        if fraction is not None:
            self.progress_bar.setValue(round(fraction * 1000))
            self.progress_bar.setToolTip(
                f"{progress.chunks_done} of {progress.chunks_total} chunks"
            )
        self._tick()
        if not self._timer.isActive():
            self._timer.start()
        self.show()

    def clear(self) -> None:
        """Nothing is running: hide."""
        self.job_id = None
        self._timer.stop()
        self.stage_label.clear()
        self.elapsed_label.clear()
        self.progress_bar.hide()
        self.hide()

    def stage_text(self) -> str:
        """The stage line as shown."""
        return self.stage_label.text()

    def _tick(self) -> None:
        self.elapsed_label.setText(f"{time.monotonic() - self._created:.1f} s")

    def _on_cancel(self) -> None:
        if self.job_id is not None:
            self.cancel_requested.emit(self.job_id)
