"""The question after a crash: restore, discard or keep for later the text a snapshot saved."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import QWidget

from desktop_app.documents.recovery import Snapshot
from ui.documents.outside_change_dialog import DiffDialog

RESTORE, DISCARD, LATER = "Restore", "Discard", "Later"


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
    return text + "\n\nBelow: how the recovery copy differs from the file on disk."


class RecoveryDialog(DiffDialog):
    """Shows one snapshot's differences; `choice` is Restore, Discard or Later."""

    def __init__(
        self, snapshot: Snapshot, diff: str, disk_changed: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Recover unsaved text",
            describe(snapshot, disk_changed),
            diff,
            (RESTORE, DISCARD, LATER),
            parent,
            object_name="recoveryDialog",
        )
        self.snapshot = snapshot
        self.buttons[DISCARD].setToolTip("Delete the recovery copy for good")
        self.buttons[LATER].setToolTip("Keep the recovery copy and ask again next time")

    def reject(self) -> None:  # Esc or the window's close button: ask again next time
        if not self.choice:
            self.choice = LATER
        super().reject()
