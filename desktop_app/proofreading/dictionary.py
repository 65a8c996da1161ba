"""The writer's personal dictionary ("Add to Dictionary"), kept as JSON under the config dir.

The file is `dictionary.json` in `desktop_app.paths.config_dir()`: `{"version": 1, "words":
[...]}`. It is written atomically on every change; a missing or corrupt file is logged and an
empty dictionary used, so a bad file never stops proofreading. Thread-safe: the GUI adds words
while the checker thread reads them.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from desktop_app import paths
from desktop_app.documents.storage import StorageError, atomic_write

log = logging.getLogger(__name__)

DICTIONARY_FILE = "dictionary.json"


def _key(word: str) -> str:
    return word.strip().replace("\u2019", "'").casefold()


class PersonalDictionary:
    """Words the writer told us are right; matching ignores case and curly apostrophes."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else paths.config_dir() / DICTIONARY_FILE
        self._lock = threading.Lock()
        self._words: dict[str, str] = {}  # key -> word as the writer added it
        self._version = 0
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            words = data.get("words", []) if isinstance(data, dict) else data
            self._words = {_key(w): w.strip() for w in words if isinstance(w, str) and w.strip()}
        except FileNotFoundError:
            self._words = {}
        except (OSError, ValueError, AttributeError) as error:
            log.warning("Personal dictionary %s unreadable, starting empty: %s", self.path, error)
            self._words = {}

    def _save(self) -> None:
        data = json.dumps({"version": 1, "words": sorted(self._words.values(), key=str.casefold)})
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, (data + "\n").encode("utf-8"))
        except (OSError, StorageError) as error:
            log.warning("Could not save the personal dictionary %s: %s", self.path, error)

    def add(self, word: str) -> bool:
        """Add `word`; True if it was new. Saved at once."""
        key = _key(word)
        if not key:
            return False
        with self._lock:
            if key in self._words:
                return False
            self._words[key] = word.strip()
            self._version += 1
            self._save()
        return True

    def remove(self, word: str) -> bool:
        """Remove `word`; True if it was there. Saved at once."""
        with self._lock:
            if self._words.pop(_key(word), None) is None:
                return False
            self._version += 1
            self._save()
        return True

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and _key(word) in self._words

    def words(self) -> list[str]:
        """The words, sorted without regard to case."""
        with self._lock:
            return sorted(self._words.values(), key=str.casefold)

    @property
    def version(self) -> int:
        """Goes up at every change (lets a checker notice it must filter again)."""
        return self._version
