"""The question after a crash: restore, discard or keep for later the text a snapshot saved.

The differences are shown as the review panel shows a rewrite: the file on disk and the
recovery copy side by side, deleted words struck out in red on the left, new words green on the
right, one stretch of changed lines after another.
"""

from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.documents.recovery import Hunk, RecoveryStore, Snapshot
from desktop_app.documents.storage import FileFormat, StorageError, load_text
from desktop_app.rewrite.word_diff import DELETE, EQUAL, INSERT

log = logging.getLogger(__name__)

RESTORE, DISCARD, LATER = "Restore", "Discard", "Later"


def find_offers(store: RecoveryStore) -> list[tuple[Snapshot, list[Hunk], bool, FileFormat | None]]:
    """Snapshots to offer, each with its changes, whether the file changed on disk since, and
    the file's format (blocking: run it off the GUI thread)."""
    found = []
    for snapshot in store.pending():
        fmt = None
        try:
            if snapshot.path:
                with contextlib.suppress(StorageError):
                    fmt = load_text(snapshot.path).format
            found.append((snapshot, snapshot.changes(), snapshot.disk_changed(), fmt))
        except Exception:  # noqa: BLE001 - one bad snapshot must not hide the others
            log.exception("Could not compare recovery copy %s", snapshot.meta_file)
            found.append((snapshot, [], False, fmt))
    return found


def describe(snapshot: Snapshot, disk_changed: bool) -> str:
    """One paragraph saying what the snapshot is and how it relates to the file on disk."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(snapshot.saved_at))
    name = Path(snapshot.path).name if snapshot.path else "an untitled document"
    text = (
        f"Inkling ended without saving your changes to {name}. "
        f"A recovery copy from {when} ({len(snapshot.text):,} characters) was kept."
    )
    if snapshot.path and not Path(snapshot.path).exists():
        text += " The file itself is no longer on disk."
    elif disk_changed:
        text += " The file on disk has changed since then."
    return text + (
        "\n\nBelow: the file on disk (left) and the recovery copy (right); removed words are "
        "struck out in red, added words are green."
    )


def side_runs(hunks: list[Hunk], after: bool) -> list[tuple[str, str]]:
    """The runs one side shows: each hunk under a line-number heading."""
    runs: list[tuple[str, str]] = []
    for i, hunk in enumerate(hunks):
        line = hunk.after_line if after else hunk.before_line
        runs.append((EQUAL, f"{'' if i == 0 else chr(10)}── line {line} ──\n"))
        runs.extend(hunk.runs)
        if hunk.runs and not hunk.runs[-1][1].endswith("\n"):
            runs.append((EQUAL, "\n"))
    return runs


class RecoveryDialog(QDialog):
    """Shows one snapshot's differences; `choice` is Restore, Discard or Later."""

    def __init__(
        self,
        snapshot: Snapshot,
        hunks: list[Hunk],
        disk_changed: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setWindowTitle("Recover unsaved text")
        self.snapshot = snapshot
        self.choice = ""
        self.message = QLabel(describe(snapshot, disk_changed))
        self.message.setWordWrap(True)
        self.before_view = self._view("recoveryOnDisk")
        self.after_view = self._view("recoveryCopy")
        split = QSplitter()
        for title, view in (("On disk", self.before_view), ("Recovery copy", self.after_view)):
            side = QWidget()
            column = QVBoxLayout(side)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(QLabel(title))
            column.addWidget(view)
            split.addWidget(side)
        if hunks:
            # Imported here: the review panel (and the rewrite guard behind it) is not needed
            # at start-up, only when there is something to restore.
            from ui.rewrite.review_panel import render_word_diff

            render_word_diff(self.before_view, side_runs(hunks, after=False), DELETE)
            render_word_diff(self.after_view, side_runs(hunks, after=True), INSERT)
        else:
            for view in (self.before_view, self.after_view):
                view.setPlainText("(no differences)")
        row = QHBoxLayout()
        row.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for i, label in enumerate((RESTORE, DISCARD, LATER)):
            button = QPushButton(label)
            button.setAutoDefault(i == 0)
            button.clicked.connect(lambda _checked=False, text=label: self._choose(text))
            self.buttons[label] = button
            row.addWidget(button)
        self.buttons[DISCARD].setToolTip("Delete the recovery copy for good")
        self.buttons[LATER].setToolTip("Keep the recovery copy and ask again next time")
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        layout.addLayout(row)
        self.resize(900, 560)

    @staticmethod
    def _view(name: str) -> QPlainTextEdit:
        view = QPlainTextEdit()
        view.setObjectName(name)
        view.setReadOnly(True)
        return view

    def _choose(self, label: str) -> None:
        self.choice = label
        self.accept()

    def reject(self) -> None:  # Esc or the window's close button: ask again next time
        if not self.choice:
            self.choice = LATER
        super().reject()
