"""Where the writer was in each file: cursor, scroll position and zoom, for the last few files.

Kept in `Settings.file_views` as plain dicts, most recent first, at most `MAX_FILE_VIEWS`.
An entry may also say whether inline suggestions are on for that file ("inline"), because
writers switch them off for some documents (creative drafts) and not for others.
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
    rest = []
    for old in views:
        if not isinstance(old, dict):
            continue
        if old.get("path") != entry["path"]:
            rest.append(old)
        elif isinstance(old.get("inline"), bool):
            entry["inline"] = old["inline"]  # the file's inline choice outlives its place
    return [entry, *rest][:MAX_FILE_VIEWS]


def recall_inline(views: list[dict], path: str | os.PathLike[str]) -> bool | None:
    """Whether inline suggestions were left on (True) or off (False) in `path`; None when
    the writer never chose for that file."""
    key = _key(path)
    for entry in views:
        if isinstance(entry, dict) and entry.get("path") == key:
            found = entry.get("inline")
            return found if isinstance(found, bool) else None
    return None


def remember_inline(views: list[dict], path: str | os.PathLike[str], on: bool) -> list[dict]:
    """`views` with the inline choice for `path` set (its place kept, or a fresh entry)."""
    key = _key(path)
    for entry in views:
        if isinstance(entry, dict) and entry.get("path") == key:
            entry = {**entry, "inline": on}
            rest = [v for v in views if not (isinstance(v, dict) and v.get("path") == key)]
            return [entry, *rest][:MAX_FILE_VIEWS]
    return [{**asdict(FileView(key)), "inline": on}, *views][:MAX_FILE_VIEWS]
