"""How many threads a background generation may use: both cores while no one is waiting.

Each bundled model runs on one thread so that an inline suggestion and a rewrite can run side by
side on two cores. While no realtime generation runs (the writer is not waiting for a
suggestion), a background generation may take every core: SmolLM2 decodes at 53-62 tokens/s on
2 threads against 15-22 on one. `ThreadDial` sets the count before every evaluation (each token,
each prompt slice) with `llama_set_n_threads`, which takes effect at the next decode, and drops
back to the narrow count the moment a realtime generation starts anywhere in the process.

It waits `QUIET_S` after the last realtime generation before widening: a writer who is typing
asks for a suggestion at every pause, and llama.cpp's threads meet at a barrier after every step,
so a wide background job beside a busy GUI thread would only stall (see `runtime.default_threads`).
"""

from __future__ import annotations

import logging
import os

from models.gate import GATE, RealtimeGate
from models.local.runtime import physical_cores

log = logging.getLogger(__name__)

# Seconds without any realtime generation before background work widens to every core.
QUIET_S = 1.0
# INKLING_BACKGROUND_THREADS=1 keeps background work on one thread (for comparisons).
_ENV = "INKLING_BACKGROUND_THREADS"


def background_threads(narrow: int) -> int:
    """Threads a background generation may use while no one waits: every physical core."""
    value = os.environ.get(_ENV, "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(narrow, physical_cores())


class ThreadDial:
    """Sets one Llama context's thread count for each evaluation (call on its owner thread)."""

    def __init__(
        self,
        llm,
        narrow: int,
        wide: int | None = None,
        *,
        gate: RealtimeGate = GATE,
        quiet_s: float = QUIET_S,
    ) -> None:
        self._llm = llm
        self.narrow = max(1, narrow)
        self.wide = max(self.narrow, wide if wide is not None else background_threads(narrow))
        self._gate = gate
        self.quiet_s = quiet_s
        self.current = self.narrow  # what the context was created with
        self.widened = 0  # evaluations run wide (for tests and benchmarks)

    def choose(self, background: bool) -> int:
        """The thread count for the next evaluation of a background or realtime generation."""
        if background and self.wide > self.narrow and self._gate.quiet_for() >= self.quiet_s:
            return self.wide
        return self.narrow

    def apply(self, background: bool) -> int:
        """Set the thread count for the next evaluation; returns it."""
        wanted = self.choose(background)
        if wanted != self.current:
            try:
                import llama_cpp

                llama_cpp.llama_set_n_threads(self._llm._ctx.ctx, wanted, wanted)
            except Exception as error:  # an older binding: stay as we are, never fail a job
                log.warning("cannot change llama.cpp's thread count: %s", error)
                self.wide = self.narrow
                return self.current
            self.current = wanted
        if wanted > self.narrow:
            self.widened += 1
        return wanted
