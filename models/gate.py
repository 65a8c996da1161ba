"""A process-wide gate that lets realtime generations have the CPU cores to themselves.

Two local models on a 2-core machine share the same cores: a background rewrite decoding beside an
inline suggestion roughly doubles the suggestion's latency. While any realtime generation runs,
background generations wait between tokens (and between prompt batches) until it ends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# How often a paused background generation re-checks its own cancel flag while it waits.
_ABORT_POLL_S = 0.05


class RealtimeGate:
    """Counts running realtime generations; background work waits while the count is above 0."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._realtime = 0
        self._last_exit = float("-inf")  # monotonic time the last realtime generation ended

    def enter_realtime(self) -> None:
        """Mark a realtime generation as running."""
        with self._cond:
            self._realtime += 1

    def exit_realtime(self) -> None:
        """Mark a realtime generation as finished, waking paused background work."""
        with self._cond:
            self._realtime -= 1
            if self._realtime <= 0:
                self._realtime = 0
                self._last_exit = time.monotonic()
                self._cond.notify_all()

    def note_activity(self) -> None:
        """The writer is typing: background work stays on one thread for a while (see
        `models.local.threads`), as right after a realtime generation."""
        with self._cond:
            self._last_exit = max(self._last_exit, time.monotonic())

    def quiet_for(self) -> float:
        """Seconds since the last realtime generation ended (or the writer last typed); 0.0
        while one runs."""
        with self._cond:
            if self._realtime > 0:
                return 0.0
            return time.monotonic() - self._last_exit

    def wait_for_background_turn(self, should_abort: Callable[[], bool] | None = None) -> bool:
        """Block while realtime work runs; return False if `should_abort()` became true meanwhile."""
        with self._cond:
            while self._realtime > 0:
                if should_abort is not None and should_abort():
                    return False
                self._cond.wait(_ABORT_POLL_S)
        return True


# The one gate shared by every LocalModel in the process.
GATE = RealtimeGate()
