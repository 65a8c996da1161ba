"""Python's cyclic garbage collector, run on the GUI thread only.

Left to itself, the collector runs in whichever thread happens to allocate when its counters
pass their thresholds: a worker tokenizing, a checker thread, a model's owner thread. A cycle
it frees there may hold a Python-owned Qt object (a timer, a parentless helper), which is then
deleted on a thread it does not live on, the kind of fault that crashes a Qt program at random.
`GuiThreadCollector` turns automatic collection off and runs the same generational schedule
from a GUI-thread timer instead (the pattern pyqtgraph and Qt-based IDEs use). Reference
counting still frees everything that is not in a cycle, at once, on any thread.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 250  # how often the counters are looked at; a young collection takes ~0.1 ms
# After start-up (modules, classes, Qt wrappers, the models' bindings: ~63,000 objects here), a
# full collection took 40 ms, holding the GIL, so every thread stopped: the GUI heartbeat's
# 50-100 ms stalls in `bench typing`. Those objects live as long as the app; once frozen, a full
# collection looks only at what came after them.
SETTLE_MS = 10_000  # after the window shows: the services and models are up by then
# A big document's own long-lived structures (a 20 MB text: the block mirror, the checker's and
# the document model's tables) made a full collection take ~50-65 ms again, mid-typing. A full
# collection slower than this freezes what survived it, as start-up's objects are frozen. (A
# frozen object is still freed by reference counting; only a cycle among them would be kept.)
SLOW_FULL_S = 0.020


def freeze_long_lived() -> int:
    """Collect once, then move every object still alive out of the collector's sight
    (`gc.freeze`); returns how many. Reference counting still frees them if they go."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def due_generation(counts: tuple[int, int, int], thresholds: tuple[int, ...]) -> int | None:
    """The generation Python itself would collect now (None: nothing is due): none until the
    young count passes its threshold, then the oldest one whose count passed its own."""
    if counts[0] <= thresholds[0]:
        return None
    for generation in (2, 1):
        if counts[generation] > thresholds[generation]:
            return generation
    return 0


class GuiThreadCollector(QObject):
    """Disables automatic collection and collects from a timer on the thread it lives on."""

    def __init__(
        self,
        parent: QObject | None = None,
        interval_ms: int = INTERVAL_MS,
        slow_full_s: float = SLOW_FULL_S,
    ) -> None:
        super().__init__(parent)
        self._slow_full_s = slow_full_s
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    def tick(self) -> int | None:
        """Collect the generation that is due, if any; returns it."""
        generation = due_generation(gc.get_count(), gc.get_threshold())
        if generation is not None:
            self.collect(generation)
        return generation

    def collect(self, generation: int) -> None:
        """Collect `generation`; a slow full collection freezes what survived it."""
        started = time.perf_counter()
        gc.collect(generation)
        if generation == 2 and time.perf_counter() - started > self._slow_full_s:
            gc.freeze()

    def stop(self) -> None:
        """Give collection back to Python (at exit, so nothing is left uncollected)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
