"""The writer's preferences: a typed dataclass with defaults, stored as JSON, written atomically.

A missing, unreadable or corrupt file is logged and the defaults are used: a bad settings file
must never stop the editor from starting. Unknown keys are ignored and values of the wrong type
fall back to their defaults, so files from older or newer versions still load.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import types
import typing
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from desktop_app import paths
from desktop_app.perf import lower_thread_priority
from models.atomic import atomic_write

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
MAX_RECENT_FILES = 10
MAX_RECENT_INSTRUCTIONS = 10


@dataclass
class ModelChoice:
    """Which model serves one path (inline suggestions or rewrites), and how it generates."""

    kind: str = "bundled"  # "bundled" | "gguf" | "remote"
    bundled_id: str = ""
    gguf_path: str = ""
    base_url: str = ""
    remote_model: str = ""
    max_tokens: int = 16
    temperature: float = 0.0


def _inline_default() -> ModelChoice:
    return ModelChoice(kind="bundled", bundled_id="gemma-3-270m", max_tokens=12, temperature=0.0)


def _rewrite_default() -> ModelChoice:
    # Creativity off: a small model rewrites most faithfully when it is greedy.
    return ModelChoice(
        kind="bundled", bundled_id="smollm2-135m-instruct", max_tokens=512, temperature=0.0
    )


@dataclass
class Appearance:
    """How the page looks: its font, line spacing, theme and the width of the text column."""

    font_family: str = ""  # "" for the system's font
    font_size: int = 12  # points, before zoom
    line_spacing: float = 1.0  # multiple of the font's line height
    theme: str = "system"  # "system" | "light" | "dark"
    column_chars: int = 80  # widest text column, in average characters


@dataclass
class Proofreading:
    """Spelling and grammar as you type (Harper): on or off, the dialect, style advice."""

    enabled: bool = True  # View → Check Spelling and Grammar
    dialect: str = ""  # "" guesses from the document; else one of proofreading.dialect_names()
    style: bool = False  # also flag style advice (long sentences, dashes…)


@dataclass
class Settings:
    """Everything Inkling remembers between runs."""

    window_geometry: str = ""  # QByteArray.toBase64() of saveGeometry()
    window_state: str = ""
    zoom: int = 0  # steps from the default font size
    recent_files: list[str] = field(default_factory=list)
    inline_enabled: bool = True
    inline: ModelChoice = field(default_factory=_inline_default)
    rewrite: ModelChoice = field(default_factory=_rewrite_default)
    local_only: bool = True
    recent_instructions: list[str] = field(default_factory=list)
    # Where an API key lives when no keychain exists: "" (keychain), "session" or "file".
    api_key_storage: str = ""
    # Per-path keys kept in this file (api_key_storage == "file"; see desktop_app.secrets).
    inline_api_key_in_file: str = ""
    rewrite_api_key_in_file: str = ""
    appearance: Appearance = field(default_factory=Appearance)
    # Command id -> key the writer chose ("" for none); see desktop_app.shortcuts.
    shortcuts: dict[str, str] = field(default_factory=dict)
    # Cursor, scroll and zoom per file, most recent first (desktop_app.view_memory).
    file_views: list[dict] = field(default_factory=list)
    proofreading: Proofreading = field(default_factory=Proofreading)

    def add_recent_file(self, path: str | os.PathLike[str]) -> None:
        """Put `path` first in the recent files, without duplicates."""
        text = str(Path(path).absolute())
        self.recent_files = [text] + [p for p in self.recent_files if p != text]
        del self.recent_files[MAX_RECENT_FILES:]

    def add_recent_instruction(self, instruction: str) -> None:
        """Remember a custom rewrite instruction, most recent first.

        Comparison ignores case and spacing, so "Use British spelling" and "use british  spelling"
        are one entry (the newest wording wins); empty instructions are ignored.
        """
        text = " ".join(instruction.split())
        if not text:
            return
        key = text.casefold()
        rest = [i for i in self.recent_instructions if " ".join(i.split()).casefold() != key]
        self.recent_instructions = [text, *rest][:MAX_RECENT_INSTRUCTIONS]


def settings_path() -> Path:
    """Where the settings file lives (moved by `INKLING_CONFIG_DIR`)."""
    return paths.config_dir() / SETTINGS_FILE


def _resolve_type(cls: type, name: str) -> Any:
    return typing.get_type_hints(cls)[name]


def _coerce(expected: Any, value: Any, default: Any) -> Any:
    """Return `value` when it fits `expected`, else `default`."""
    origin = typing.get_origin(expected)
    if is_dataclass(expected):
        return _from_dict(expected, value) if isinstance(value, dict) else default
    if origin is dict:
        key_type, value_type = typing.get_args(expected)
        fits = isinstance(value, dict) and all(
            isinstance(k, key_type) and isinstance(v, value_type) for k, v in value.items()
        )
        return dict(value) if fits else default
    if origin is list:
        (item_type,) = typing.get_args(expected)
        if isinstance(value, list) and all(isinstance(v, item_type) for v in value):
            return list(value)
        return default
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(expected)
        return value if any(isinstance(value, o) for o in options) else default
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is int and isinstance(value, bool):
        return default
    return value if isinstance(value, expected) else default


def _from_dict(cls: type, data: dict[str, Any]) -> Any:
    kwargs = {}
    for f in fields(cls):
        default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        kwargs[f.name] = (
            _coerce(_resolve_type(cls, f.name), data[f.name], default)
            if f.name in data
            else default
        )
    return cls(**kwargs)


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings; on any problem log it and return defaults."""
    path = path or settings_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        log.warning("Cannot read settings %s (%s); using defaults", path, error)
        return Settings()
    try:
        data = json.loads(raw)
    except ValueError as error:
        log.warning("Settings file %s is corrupt (%s); using defaults", path, error)
        return Settings()
    if not isinstance(data, dict):
        log.warning("Settings file %s does not hold an object; using defaults", path)
        return Settings()
    return _from_dict(Settings, data)


def _encode(settings: Settings) -> bytes:
    return json.dumps(asdict(settings), indent=2, sort_keys=True).encode("utf-8")


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically (temp file in the same folder, fsync, replace). Blocking:
    the window uses `SettingsWriter`."""
    _write(_encode(settings), path or settings_path())


def _write(data: bytes, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # The file may hold an API key (only with the writer's consent): keep it private.
    atomic_write(path, data, mode=0o600, prepare=_private)


def _private(fd: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, 0o600)  # whatever the umask


class SettingsWriter:
    """Writes the settings on a worker thread, latest first: the GUI thread never fsyncs.

    `save(settings)` takes a copy of the values at once (cheap: a small dataclass) and returns;
    saves that arrive while one is being written are coalesced into one write of the newest.
    """

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._cv = threading.Condition()
        self._pending: bytes | None = None
        self._busy = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    def save(self, settings: Settings) -> None:
        """Queue a write of `settings` as they are now."""
        data = _encode(settings)
        with self._cv:
            self._pending = data
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="inkling-settings", daemon=True
                )
                self._thread.start()
            self._cv.notify_all()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued write is on disk (shutdown, tests); False on timeout."""
        with self._cv:
            return self._cv.wait_for(lambda: self._pending is None and not self._busy, timeout)

    def close(self, timeout: float = 5.0) -> bool:
        """Write what is queued, then end the thread (a later `save` starts a new one)."""
        done = self.flush(timeout)
        with self._cv:
            thread, self._stopping = self._thread, True
            self._cv.notify_all()
        if thread is not None:
            thread.join(timeout)
        return done

    def _run(self) -> None:
        lower_thread_priority()
        while True:
            with self._cv:
                wanted = lambda: self._pending is not None or self._stopping  # noqa: E731
                if not self._cv.wait_for(wanted, timeout=30.0) or self._pending is None:
                    self._thread, self._stopping = None, False
                    return  # idle or closing: the next save starts a new thread
                data, self._pending = self._pending, None
                self._busy = True
            try:
                _write(data, self._path or settings_path())
            except OSError as error:
                log.warning("Could not save settings: %s", error)
            finally:
                with self._cv:
                    self._busy = False
                    self._cv.notify_all()


def spec_for(choice: ModelChoice, api_key: str | None = None):
    """The `models.spec.ModelSpec` that a path's settings describe."""
    from models.spec import ModelSpec

    kind = choice.kind if choice.kind in ("bundled", "gguf", "remote") else "bundled"
    return ModelSpec(
        kind=kind,  # type: ignore[arg-type]
        bundled_id=choice.bundled_id or None,
        path=choice.gguf_path or None,
        base_url=choice.base_url or None,
        model=choice.remote_model or None,
        api_key=api_key,
        max_tokens=choice.max_tokens,
        temperature=choice.temperature,
    )
