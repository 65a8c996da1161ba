"""When the writer last typed, so a long background pass can wait out their typing.

A whole-document pass over a 20 MB text is seconds of Python on the checker's thread. While it
runs, every call the GUI thread makes into Python (each keystroke makes dozens: signals, the
page layout, the underlines) first waits for the GIL, so keystrokes took 30-60 ms. The pass
loses nothing by waiting: the writer's pause sends a new request anyway, whose visible blocks
are linted first, without waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

QUIET_S = 0.3  # typing this recent holds a long pass back


class TypingWatch:
    """`note()` at each keystroke (any thread); `wait()` in a long pass, between blocks."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, quiet_s: float = QUIET_S):
        self._clock = clock
        self._quiet_s = quiet_s
        self._until = 0.0
        self.waited = threading.Event()  # set once a pass has waited (for tests)

    def note(self) -> None:
        """The writer typed just now."""
        self._until = self._clock() + self._quiet_s

    def wait(self, cond: threading.Condition, interrupted: Callable[[], bool]) -> bool:
        """Wait, without the GIL, until the writer has not typed for a while; False at once if
        `interrupted()` (checked under `cond`, whose notify also ends the wait early)."""
        while (left := self._until - self._clock()) > 0:
            self.waited.set()
            with cond:
                if interrupted():
                    return False
                cond.wait(min(0.05, left))
        return not interrupted()
