"""A process-wide gate that lets realtime generations have the CPU cores to themselves.

Two local models on a 2-core machine share the same cores: a background rewrite decoding beside an
inline suggestion roughly doubles the suggestion's latency. While any realtime generation runs,
background generations wait between tokens (and between prompt batches) until it ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

# How often a paused background generation re-checks its own cancel flag while it waits.
_ABORT_POLL_S = 0.05


class RealtimeGate:
    """Counts running realtime generations; background work waits while the count is above 0."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._realtime = 0

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
                self._cond.notify_all()

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
