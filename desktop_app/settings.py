"""The writer's preferences: a typed dataclass with defaults, stored as JSON, written atomically.

A missing, unreadable or corrupt file is logged and the defaults are used: a bad settings file
must never stop the editor from starting. Unknown keys are ignored and values of the wrong type
fall back to their defaults, so files from older or newer versions still load.
"""

from __future__ import annotations

import json
import logging
import os
import types
import typing
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from desktop_app import paths
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
    return ModelChoice(
        kind="bundled", bundled_id="smollm2-135m-instruct", max_tokens=512, temperature=0.2
    )


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


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically (temp file in the same folder, fsync, replace)."""
    path = path or settings_path()
    data = json.dumps(asdict(settings), indent=2, sort_keys=True).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    # The file may hold an API key (only with the writer's consent): keep it private.
    atomic_write(path, data, mode=0o600, prepare=_private)


def _private(fd: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, 0o600)  # whatever the umask


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
