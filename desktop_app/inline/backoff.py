"""How long the inline engine leaves a failing model alone (a remote server that is down).

It is not asked again at every word: after a failure the wait is FIRST_S, doubling at each
further failure up to MAX_S, and it resets once the model answers again.
"""

from __future__ import annotations

import time

FIRST_S = 1.0
MAX_S = 30.0


class Backoff:
    """The wait after failures, and the message that says so."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self.wait_s = 0.0
        self.retry_at = 0.0
        self.failure = ""

    def failed(self, error: object) -> str:
        """Note a failure; return the status message."""
        self.wait_s = min(MAX_S, max(FIRST_S, 2 * self.wait_s))
        self.retry_at = self._clock() + self.wait_s
        self.failure = str(error)
        return f"{self.failure} (trying again in {self.wait_s:.0f} s)"

    def succeeded(self) -> None:
        """The model answers again."""
        self.wait_s = self.retry_at = 0.0

    def waiting(self) -> str:
        """The status message while the wait lasts ("" once it is over)."""
        left = self.retry_at - self._clock()
        return f"{self.failure} (trying again in {left:.0f} s)" if left > 0 else ""
