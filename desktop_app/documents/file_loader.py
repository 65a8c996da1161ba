"""Loading files off the GUI thread, so opening a 20 MB text never freezes the window."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop_app.documents.storage import LoadedText, StorageError, cleanup_stray_temps, load_text
from desktop_app.relay import GuiRelay


class _LoadJob(QRunnable):
    def __init__(
        self, loader: FileLoader, request_id: int, path: str, encoding: str | None
    ) -> None:
        super().__init__()
        self._relay = loader._relay
        self._loaded = loader.loaded.emit
        self._failed = loader.failed.emit
        self._request_id = request_id
        self._path = path
        self._encoding = encoding

    def run(self) -> None:
        # Opening a file from a folder is when leftovers of a killed save there get cleaned.
        cleanup_stray_temps(os.path.dirname(os.path.abspath(self._path)))
        try:
            result: LoadedText = load_text(self._path, self._encoding)
        except StorageError as exc:
            self._relay.post(self._failed, self._request_id, str(exc))
        except Exception as exc:  # never let a worker exception vanish silently
            name = Path(self._path).name
            self._relay.post(self._failed, self._request_id, f"Could not open {name}: {exc}")
        else:
            self._relay.post(self._loaded, self._request_id, result)


class FileLoader(QObject):
    """Loads files in a thread pool; results arrive on the GUI thread tagged by request id.

    Callers keep the id `load` returns and ignore results for ids they no longer want (the
    writer opened something else meanwhile), as novelWriter does with its background jobs.
    """

    loaded = Signal(int, object)  # request id, LoadedText
    failed = Signal(int, str)  # request id, plain reason

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        if pool is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(2)
        self._pool = pool
        self._next_id = 0
        self._relay = GuiRelay(self)

    def load(self, path: str | os.PathLike[str], encoding: str | None = None) -> int:
        """Start loading `path` (detecting the encoding unless given); return the request id."""
        self._next_id += 1
        self._pool.start(_LoadJob(self, self._next_id, os.fspath(path), encoding))
        return self._next_id

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until running loads finish (for shutdown and tests, not for the GUI)."""
        return self._pool.waitForDone(msecs)

    def wait(self, msecs: int = -1) -> bool:
        """Same as `wait_for_done` (the name the window uses at shutdown)."""
        return self.wait_for_done(msecs)
