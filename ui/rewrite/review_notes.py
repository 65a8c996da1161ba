"""The review panel's notes: the guard's warnings beside the diff, and the drafts of a job.

`WarningList` shows one line per warning ("2 sentences dropped", "Paragraph 3 kept as it was:
…") with the detail (the dropped sentence, the markup found) as its tooltip. `DraftBar` shows
"Draft 2 of 3" with ‹ › buttons (`Drafts` keeps which jobs are drafts of the same text); it only
asks, through `draft_requested(job_id)`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QWidget,
)

from desktop_app.rewrite.guard import GuardWarning


class WarningList(QListWidget):
    """The guard's warnings about a proposal, one per line; hidden when there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewWarnings")
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setToolTip("What the check found in the proposal: look at these before replacing")
        self.hide()

    def show_warnings(self, warnings: Sequence[GuardWarning]) -> None:
        """Show `warnings` (an empty list hides the list)."""
        self.clear()
        for warning in warnings:
            item = QListWidgetItem(f"⚠ {warning.message}")
            if warning.detail:
                item.setToolTip(warning.detail)
            self.addItem(item)
        self.setVisible(bool(warnings))

    def lines(self) -> list[str]:
        """The warnings as shown, without the sign."""
        return [self.item(i).text().removeprefix("⚠ ") for i in range(self.count())]


MAX_DRAFTS = 3


class Drafts:
    """Try Again's drafts of one target, oldest first; the last `MAX_DRAFTS` are kept."""

    def __init__(self) -> None:
        self._families: dict[int, list[int]] = {}

    def add(self, earlier: int, new: int) -> None:
        """`new` (a job id) is another draft of the same text as `earlier`."""
        family = self._families.get(earlier) or [earlier]
        family.append(new)
        for dropped in family[:-MAX_DRAFTS]:
            self._families.pop(dropped, None)
        del family[:-MAX_DRAFTS]
        for job_id in family:
            self._families[job_id] = family

    def of(self, job_id: int) -> list[int]:
        """The drafts `job_id` belongs to, oldest first (just itself when it has no others)."""
        return list(self._families.get(job_id, [job_id]))


class DraftBar(QWidget):
    """ "Draft 2 of 3" with buttons to the earlier and the later draft; hidden for one draft."""

    draft_requested = Signal(int)  # the job id of the draft to show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDrafts")
        self.book = Drafts()
        self._ids: list[int] = []
        self._index = 0
        self.previous_button = QToolButton()
        self.previous_button.setText("‹")
        self.previous_button.setToolTip("Show the earlier draft")
        self.next_button = QToolButton()
        self.next_button.setText("›")
        self.next_button.setToolTip("Show the later draft")
        self.label = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.label)
        layout.addWidget(self.next_button)
        self.previous_button.clicked.connect(lambda _c=False: self._step(-1))
        self.next_button.clicked.connect(lambda _c=False: self._step(1))
        self.hide()

    def show_for(self, current: int | None) -> None:
        """Show where `current` (a job id) is among its drafts, oldest first."""
        self._ids = self.book.of(current) if current is not None else []
        if current not in self._ids or len(self._ids) < 2:
            self.hide()
            return
        self._index = self._ids.index(current)
        self.label.setText(f"Draft {self._index + 1} of {len(self._ids)}")
        self.previous_button.setEnabled(self._index > 0)
        self.next_button.setEnabled(self._index < len(self._ids) - 1)
        self.show()

    def _step(self, offset: int) -> None:
        index = self._index + offset
        if 0 <= index < len(self._ids):
            self.draft_requested.emit(self._ids[index])
