"""What the window knows about the open file, and saving it without blocking the GUI thread."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop_app.documents.line_endings import NAMES, LineEndings
from desktop_app.documents.storage import DiskStamp, FileFormat, StorageError, Text, save_text

log = logging.getLogger(__name__)

_WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    """Words as a writer counts them: runs of non-space characters."""
    return sum(1 for _ in _WORD.finditer(text))


@dataclass
class DocumentFile:
    """The file behind the editor: where it lives and how its bytes are written."""

    path: Path | None = None
    format: FileFormat = field(default_factory=FileFormat)
    stamp: DiskStamp | None = None  # what we last saw on disk (None: never saved or missing)
    encoding_fallback: bool = False  # opened with a fallback encoding: say so
    line_endings: LineEndings | None = None  # each line's own ending, when they are mixed
    invalid_bytes: int = 0  # bytes that were not valid UTF-8, shown (and saved) as U+FFFD
    invalid_first_line: int = 0

    @property
    def display_name(self) -> str:
        """The file name, or "Untitled"."""
        return self.path.name if self.path else "Untitled"

    def describe_format(self) -> str:
        """Encoding and line endings as the status bar shows them ("UTF-8 · LF")."""
        encoding = self.format.encoding.upper().replace("_", "-")
        if self.format.bom:
            encoding += " BOM"
        newline = NAMES.get(self.format.newline, "LF")
        if self.line_endings is not None and self.format.newline == self.line_endings.majority:
            newline = f"mixed, mostly {newline}"
        return f"{encoding} · {newline}"


@dataclass
class SaveJob:
    """One save the writer asked for, bound to the document (`file`) it was made for."""

    file: DocumentFile
    path: Path
    format: FileFormat
    then: Callable[[], None] | None = None
    token: int | None = None  # from AsyncSaver.save, once the text is copied
    revision: int = -1  # the editor's revision the text was taken at


class _SaveTask(QRunnable):
    def __init__(
        self, saver: AsyncSaver, token: int, path: Path, text: Text, fmt: FileFormat, endings
    ) -> None:
        super().__init__()
        self.saver, self.token, self.path, self.text, self.fmt = saver, token, path, text, fmt
        self.endings = endings

    def run(self) -> None:
        try:
            fmt = self.fmt
            stamp = save_text(
                self.path, self.text, fmt.encoding, fmt.newline, fmt.bom, self.endings
            )
        except StorageError as error:
            log.warning("Save of %s failed: %s", self.path, error)
            self.saver.failed.emit(self.token, str(error))
        except Exception as error:  # noqa: BLE001 - any failure must reach the writer
            log.exception("Save of %s failed unexpectedly", self.path)
            self.saver.failed.emit(self.token, f"Could not save: {error}")
        else:
            self.saver.saved.emit(self.token, stamp)


class AsyncSaver(QObject):
    """Writes a text snapshot atomically on a worker thread; reports back on the GUI thread."""

    saved = Signal(int, object)  # token, DiskStamp
    failed = Signal(int, str)  # token, plain reason

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # saves of one window happen in order
        self._tokens = itertools.count(1)

    def save(
        self, path: Path, text: Text, fmt: FileFormat, endings: LineEndings | None = None
    ) -> int:
        """Start saving `text` (a string or pieces of it); return a token that `saved` /
        `failed` will carry. `endings` gives mixed line endings back to unedited lines."""
        token = next(self._tokens)
        self._pool.start(_SaveTask(self, token, path, text, fmt, endings))
        return token

    def busy(self) -> bool:
        """True while a save is still being written."""
        return self._pool.activeThreadCount() > 0

    def wait(self, msecs: int = -1) -> bool:
        """Wait for pending saves (only at shutdown, when nothing else can happen)."""
        return self._pool.waitForDone(msecs)
