"""Start-up: logging, the Qt application with a qasync event loop, the crash hook, the window.

This is the one module of `desktop_app` (with the benchmarks) that reaches into `ui/`: it
assembles the window around the logic objects.
"""

from __future__ import annotations

import asyncio
import faulthandler
import logging
import logging.handlers
import sys
import traceback
from types import TracebackType

from desktop_app import paths

log = logging.getLogger(__name__)

APP_DISPLAY_NAME = "Inkling"
_LOG_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


FAULT_LOG = "inkling-faults.log"
_fault_file = None  # kept open for faulthandler for the life of the process


def setup_logging(level: int = logging.INFO) -> str:
    """Log to a rotating file under the log folder; return its path.

    A crash inside native code (llama.cpp, Qt) never reaches Python's logging, so faulthandler
    writes the Python stacks of every thread to `inkling-faults.log` beside it.
    """
    global _fault_file
    if _fault_file is None:
        try:
            _fault_file = open(paths.log_dir() / FAULT_LOG, "a", encoding="utf-8")  # noqa: SIM115
            faulthandler.enable(_fault_file, all_threads=True)
        except OSError as error:
            log.warning("Crash traces are off: %s", error)
    path = paths.log_dir() / "inkling.log"
    root = logging.getLogger()
    if not any(getattr(h, "_inkling", False) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter(_LOG_FORMAT))
        handler._inkling = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    return str(path)


def create_application(argv: list[str] | None = None):
    """Return the QApplication (creating it once), with name and icon set."""
    from PySide6.QtWidgets import QApplication

    from ui.icons import app_icon

    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName("inkling")
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setOrganizationName("inkling")
    app.setWindowIcon(app_icon())
    return app


def recovery_report(kept: list[bool | None]) -> str:
    """What the crash dialog may truly say about recovery copies (one result per window:
    True written, False failed, None nothing unsaved)."""
    if any(k is False for k in kept):
        return (
            "Your document is still open, but a recovery copy could NOT be saved (see the "
            "log): save now, under another name if saving fails."
        )
    if any(kept):
        return "Your document is still open and a recovery copy was saved."
    return "Your document is still open; it had no unsaved changes."


class CrashHandler:
    """Show uncaught exceptions in a dialog, log them, and keep the writer's text safe.

    Before anything else the handler asks every open window to snapshot its text for recovery,
    so even an error that leaves the app unusable does not take the document with it.
    """

    def __init__(self) -> None:
        self.windows: list = []
        self._showing = False

    def __call__(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.error("Uncaught exception", exc_info=(kind, value, tb))
        kept: list[bool | None] = []
        for window in list(self.windows):
            try:
                kept.append(window.emergency_snapshot())
            except Exception:  # noqa: BLE001 - the hook must never raise
                log.exception("Emergency snapshot failed")
                kept.append(False)
        if self._showing:
            return
        self._showing = True
        try:
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(
                QMessageBox.Icon.Critical,
                "Inkling hit an unexpected error",
                f"{kind.__name__}: {value}\n\n{recovery_report(kept)} Save your work, and "
                "please report this error.",
            )
            box.setDetailedText("".join(traceback.format_exception(kind, value, tb)))
            box.exec()
        finally:
            self._showing = False


def run_gui(file: str | None = None) -> int:
    """Open the editor window (with FILE, if given) and run until it closes."""
    import qasync

    log_path = setup_logging()
    log.info("Inkling starting; log at %s", log_path)
    app = create_application()
    from desktop_app.documents.storage import ignore_file_size_signal

    ignore_file_size_signal()  # a file size limit must fail a save, not kill the app
    from desktop_app.garbage import GuiThreadCollector

    collector = GuiThreadCollector(app)  # cycles are freed on the GUI thread, never a worker's
    hook = CrashHandler()
    sys.excepthook = hook

    from desktop_app.settings import load_settings
    from ui.main_window import MainWindow

    window = MainWindow(load_settings())
    hook.windows.append(window)
    if file:
        window.open_or_create(file)  # read on a worker: the window does not wait for it
    window.show()

    def start_services() -> None:
        window.start_services()
        window.rewrite_ui.background_jobs.ask_on_quit = True  # quitting with jobs running asks

    # The window is painted before the services are built (their imports alone take ~0.1 s):
    # the writer sees the page at once, and the models load behind it.
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, start_services)
    from desktop_app.garbage import SETTLE_MS, freeze_long_lived

    QTimer.singleShot(SETTLE_MS, freeze_long_lived)  # start-up's objects: no more full scans

    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(closed.wait())
    window.shutdown()
    collector.stop()
    log.info("Inkling closed")
    return 0
