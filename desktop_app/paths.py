"""Where Inkling keeps its files: config, data (assembled models), state (recovery) and logs.

Each location follows `platformdirs`, and can be moved by an environment variable so that tests
and benchmarks never touch the writer's real files: `INKLING_CONFIG_DIR` for settings,
`INKLING_DATA_DIR` for data, state and logs (as `data/`, `state/` and `logs/` below it).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "inkling"


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """Folder of `settings.json`."""
    override = os.environ.get("INKLING_CONFIG_DIR")
    return _ensure(Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME)))


def _data_override(sub: str) -> Path | None:
    override = os.environ.get("INKLING_DATA_DIR")
    return Path(override) / sub if override else None


def data_dir() -> Path:
    """Folder for large derived files (the assembled inline model)."""
    return _ensure(_data_override("data") or Path(platformdirs.user_data_dir(APP_NAME)))


def state_dir() -> Path:
    """Folder for crash-recovery snapshots."""
    return _ensure(_data_override("state") or Path(platformdirs.user_state_dir(APP_NAME)))


def log_dir() -> Path:
    """Folder of the log file."""
    return _ensure(_data_override("logs") or Path(platformdirs.user_log_dir(APP_NAME)))


def models_dir() -> Path:
    """Folder for bundled models assembled from their packages (once, not at every start).

    `INKLING_MODELS_DIR` moves it on its own, so a test session assembles the model once while
    every test still gets fresh config and data folders.
    """
    override = os.environ.get("INKLING_MODELS_DIR")
    return _ensure(Path(override) if override else data_dir() / "models")
