"""Where the writer was in each file: cursor, scroll position and zoom, for the last few files.

Kept in `Settings.file_views` as plain dicts, most recent first, at most `MAX_FILE_VIEWS`.
Entries of the wrong shape (a hand-edited or older settings file) are ignored.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_FILE_VIEWS = 50


@dataclass(frozen=True)
class FileView:
    """One file's place: character position of the cursor, first visible line, zoom steps."""

    path: str
    cursor: int = 0
    scroll: int = 0
    zoom: int = 0


def _key(path: str | os.PathLike[str]) -> str:
    return str(Path(path).absolute())


def recall(views: list[dict], path: str | os.PathLike[str]) -> FileView | None:
    """The remembered place in `path`, or None."""
    key = _key(path)
    for entry in views:
        if isinstance(entry, dict) and entry.get("path") == key:
            try:
                return FileView(key, int(entry["cursor"]), int(entry["scroll"]), int(entry["zoom"]))
            except (KeyError, TypeError, ValueError):
                return None
    return None


def remember(views: list[dict], view: FileView) -> list[dict]:
    """`views` with `view` first (replacing its file's old entry), bounded."""
    entry = asdict(view)
    entry["path"] = _key(view.path)
    rest = [v for v in views if isinstance(v, dict) and v.get("path") != entry["path"]]
    return [entry, *rest][:MAX_FILE_VIEWS]
