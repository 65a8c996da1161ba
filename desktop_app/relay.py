"""The one way work on another thread hands its results to the GUI thread.

`GuiRelay.post(fn, *args)` may be called from any thread; `fn(*args)` then runs on the thread
the relay lives on (the GUI thread), in event-loop order. A gate closed under a lock as the
relay is destroyed means a worker finishing after its owner was deleted never emits into a
deleted object: the call is simply dropped. `Background` runs a
function in a thread and calls back through a relay, for one-off slow work (diffs, look-ups,
keychain reads) that must not block the window.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from desktop_app.perf import lower_thread_priority

log = logging.getLogger(__name__)


class _Gate:
    """Open while the relay lives; closed (under its lock) as the relay is destroyed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open = True

    def close(self) -> None:
        with self.lock:
            self.open = False


class GuiRelay(QObject):
    """Delivers calls made on worker threads to the thread this object lives on."""

    _call = Signal(object, object)  # fn, args

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gate = _Gate()
        self._call.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        # A plain callable, run on the destroying (GUI) thread as the relay goes: from then
        # on no worker emits into it. Workers only ever hold plain Python objects and this
        # parented relay, so no Qt object is ever freed on a worker thread.
        self.destroyed.connect(gate.close)
        self._gate = gate

    def post(self, fn: Callable[..., object], *args: object) -> bool:
        """Run `fn(*args)` on the relay's thread; False when the relay is already gone."""
        gate = self._gate
        with gate.lock:
            if not gate.open:
                return False
            try:
                self._call.emit(fn, args)
            except RuntimeError:  # being destroyed, or the application is tearing down
                return False
        return True

    @Slot(object, object)
    def _deliver(self, fn: Callable[..., object], args: tuple) -> None:
        fn(*args)


class Background(QObject):
    """Runs functions in worker threads and calls back on the GUI thread with their results."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relay = GuiRelay(self)
        self._threads: list[threading.Thread] = []

    def run(self, work: Callable[[], object], then: Callable[[object], None]) -> None:
        """Call `work()` in a thread, then `then(result)` on the GUI thread (result may be an
        exception instance if `work` raised)."""
        relay = self._relay

        def target() -> None:
            lower_thread_priority()
            try:
                result: object = work()
            except Exception as exc:  # noqa: BLE001 - handed to the caller, never lost
                log.exception("background work failed")
                result = exc
            with contextlib.suppress(RuntimeError):
                relay.post(then, result)

        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=target, name="inkling-background", daemon=True)
        self._threads.append(thread)
        thread.start()

    def wait(self, timeout: float = 5.0) -> bool:
        """Wait for running work (at shutdown and in tests); True when none is left running."""
        for thread in list(self._threads):
            thread.join(timeout)
        return not any(t.is_alive() for t in self._threads)
