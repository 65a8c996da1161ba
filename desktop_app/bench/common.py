"""Pieces every benchmark shares: an isolated offscreen app, a GUI heartbeat, intervals."""

from __future__ import annotations

import json
import math
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer

from desktop_app.perf import percentile


def isolate_settings() -> None:
    """Run with fresh settings, data and state, so a benchmark never reads or changes the
    writer's own (nor stops at a recovery offer for their unsaved work); the assembled bundled
    models are shared, so they are not assembled again."""
    from desktop_app import paths

    os.environ.setdefault("INKLING_MODELS_DIR", str(paths.models_dir()))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The offscreen platform warns about window-manager hints it cannot honour: noise here.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
    if "INKLING_CONFIG_DIR" not in os.environ:
        os.environ["INKLING_CONFIG_DIR"] = tempfile.mkdtemp(prefix="inkling-bench-config-")
    if "INKLING_DATA_DIR" not in os.environ:
        os.environ["INKLING_DATA_DIR"] = tempfile.mkdtemp(prefix="inkling-bench-data-")


def wilson_interval(hits: int, total: int, z: float = 1.96) -> tuple[float, float] | None:
    """The 95% Wilson score interval of the share hits/total; None when total is 0.

    Benchmarks count outcomes over a few dozen events (suggestions shown in 1000 typed
    characters, say), so a share alone hides how far a rerun on other text could move it."""
    if total <= 0:
        return None
    share = hits / total
    denominator = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / denominator
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def open_window(width: int, height: int):
    """The real main window with the settings in force, shown (offscreen)."""
    from desktop_app.app import create_application
    from desktop_app.settings import Settings
    from ui.main_window import MainWindow

    create_application()
    window = MainWindow(Settings())
    window.resize(width, height)
    window.show()
    return window


def load_models(inline_spec, rewrite_spec, need: tuple[str, ...]):
    """(ModelHost, seconds to load) once both paths have loaded or failed; exits with the
    reason when a path in `need` ("inline", "rewrite") is unavailable."""
    from desktop_app.model_host import ModelHost

    host = ModelHost()
    started = time.perf_counter()
    host.start(inline_spec, rewrite_spec)
    for role in ("inline", "rewrite"):
        if not wait_until(lambda r=role: host.state(r)[0] not in ("loading", "off"), 300):
            raise SystemExit(f"The {role} model did not load within 300 s")
    for role in need:
        state, reason = host.state(role)
        if state != "ready":
            raise SystemExit(f"The {role} model is unavailable: {reason}")
    return host, time.perf_counter() - started


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024


class Heartbeat(QObject):
    """A 5 ms GUI timer that records how late each tick fires: the GUI thread's freedom."""

    def __init__(self, interval_ms: int = 5, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval = interval_ms / 1000
        self.lateness_ms: list[float] = []
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0

    def start(self) -> None:
        """Start (or restart) recording."""
        self.lateness_ms.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        """Stop recording."""
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness_ms.append(max(0.0, (now - self._last - self.interval) * 1000))
        self._last = now

    def summary(self) -> dict[str, float | None]:
        """p99 and max lateness in ms."""
        return {
            "heartbeat_p99_ms": percentile(self.lateness_ms, 0.99),
            "heartbeat_max_ms": max(self.lateness_ms) if self.lateness_ms else None,
        }


def write_json(path: str | None, data: dict) -> None:
    """Write the figures as JSON when asked to."""
    if path:
        Path(path).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def print_table(title: str, rows: dict[str, object]) -> None:
    """Print figures as an aligned two-column table."""
    print(title)
    width = max(len(k) for k in rows)
    for key, value in rows.items():
        if isinstance(value, float):
            value = f"{value:,.2f}"
        elif isinstance(value, tuple) and all(isinstance(v, float) for v in value):
            value = " – ".join(f"{v:,.2f}" for v in value)
        print(f"  {key:<{width}}  {value}")


def wait_until(predicate, timeout_s: float) -> bool:
    """Spin the event loop until `predicate()` holds or the time runs out."""
    deadline = time.perf_counter() + timeout_s
    while not predicate():
        if time.perf_counter() > deadline:
            return False
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()
    return True


def type_char(widget, char: str) -> None:
    """Type one character as real key events (Return for a line break)."""
    from PySide6.QtTest import QTest

    if char == "\n":
        QTest.keyClick(widget, Qt.Key.Key_Return)
    else:
        QTest.keyClicks(widget, char)
