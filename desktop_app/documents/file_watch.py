"""Noticing when another program changes or deletes the file a document was loaded from.

`QFileSystemWatcher` alone is not enough: an atomic replacement (how sync tools, editors and
Inkling itself save) swaps the inode, and the watcher silently drops the path. So the folder is
watched too, the file is re-armed whenever it reappears, and every notification is checked
against the `DiskStamp` we last saw, so our own saves (announced through `saved`) stay quiet.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot

from desktop_app.documents.storage import DiskStamp

MODIFIED = "modified"
DELETED = "deleted"


class FileWatcher(QObject):
    """Watches one document's file and reports outside changes once per new state on disk."""

    changed_on_disk = Signal(str, str)  # path, "modified" | "deleted"

    def __init__(self, parent: QObject | None = None, settle_ms: int = 100) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_event)
        self._watcher.directoryChanged.connect(self._on_event)
        # Other programs often write in several steps; look once things settle.
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(settle_ms)
        self._settle.timeout.connect(self._check)
        self._path: str | None = None
        self._stamp: DiskStamp | None = None
        self._reported: DiskStamp | None | str = "none"  # last state we told about
        self._saving = False

    @property
    def path(self) -> str | None:
        return self._path

    @property
    def stamp(self) -> DiskStamp | None:
        return self._stamp

    def watch(self, path: str | os.PathLike[str], stamp: DiskStamp | None) -> None:
        """Start watching `path`, whose state on disk when loaded or saved was `stamp`."""
        self.unwatch()
        self._path = os.path.abspath(path)
        self._stamp = stamp
        self._reported = "none"
        self._arm()

    def unwatch(self) -> None:
        """Stop watching (the document closed or moved to another file)."""
        self._settle.stop()
        for p in self._watcher.files() + self._watcher.directories():
            self._watcher.removePath(p)
        self._path = None
        self._stamp = None
        self._saving = False

    def begin_save(self) -> None:
        """We are about to write the file (e.g. from a worker): hold reports until `saved`."""
        self._saving = True

    def saved(self, stamp: DiskStamp) -> None:
        """We wrote the file ourselves and it now has `stamp`: that change is not news."""
        self._saving = False
        self._stamp = stamp
        self._reported = "none"
        self._arm()

    def save_failed(self) -> None:
        """Our save did not happen after `begin_save`; resume reporting."""
        self._saving = False
        self._check()

    def accept_disk_state(self) -> None:
        """The writer chose "keep mine": treat what is on disk now as the known state."""
        if self._path is not None:
            self._stamp = DiskStamp.of(self._path)
            self._reported = "none"

    def check_now(self) -> str | None:
        """Return "modified", "deleted" or None: how the file now differs from what we last saw."""
        if self._path is None:
            return None
        try:
            now = DiskStamp.of(self._path)
        except OSError:
            return None  # cannot look (permissions): nothing we can claim changed
        if now == self._stamp:
            return None
        return DELETED if now is None else MODIFIED

    def _arm(self) -> None:
        if self._path is None:
            return
        folder = str(Path(self._path).parent)
        if os.path.isdir(folder) and folder not in self._watcher.directories():
            self._watcher.addPath(folder)
        if os.path.exists(self._path) and self._path not in self._watcher.files():
            self._watcher.addPath(self._path)

    @Slot(str)
    def _on_event(self, _changed: str) -> None:
        if self._path is not None:
            self._settle.start()

    @Slot()
    def _check(self) -> None:
        if self._path is None or self._saving:
            return
        self._arm()  # the path is dropped when the file is replaced; pick the new one up
        try:
            now = DiskStamp.of(self._path)
        except OSError:
            return
        if now == self._stamp or now == self._reported:
            return
        self._reported = now
        self.changed_on_disk.emit(self._path, DELETED if now is None else MODIFIED)
