"""How many threads a background generation may use: both cores while no one is waiting.

Each bundled model runs on one thread so that an inline suggestion and a rewrite can run side by
side on two cores. While no realtime generation runs (the writer is not waiting for a
suggestion), a background generation may take every core: SmolLM2 decodes at 53-62 tokens/s on
2 threads against 15-22 on one. `ThreadDial` sets the count before every evaluation (each token,
each prompt slice) with `llama_set_n_threads`, which takes effect at the next decode, and drops
back to the narrow count the moment a realtime generation starts anywhere in the process. It
keeps two threads only while they measure faster than one (a busy machine makes them slower).

It waits `QUIET_S` after the last realtime generation (or keystroke, `GATE.note_activity`)
before widening: a writer who is typing
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
# Every so many generated tokens (doubling up to the maximum while the same count keeps
# winning), this many try the thread count that is not winning.
PROBE_PERIOD, MAX_PROBE_PERIOD, PROBE_TOKENS = 64, 4096, 4
# A probe whose first measured token costs this many times the winner's ends at once.
BAD_PROBE = 2.0
# Two threads are kept only when a token costs clearly less than on one.
WIDE_MUST_WIN = 0.9
SMOOTHING = 0.25
# INKLING_BACKGROUND_THREADS=1 keeps background work on one thread (for comparisons).
_ENV = "INKLING_BACKGROUND_THREADS"


def background_threads(narrow: int) -> int:
    """Threads a background generation may use while no one waits: every physical core."""
    value = os.environ.get(_ENV, "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(narrow, physical_cores())


class ThreadDial:
    """Sets one Llama context's thread count for each evaluation (call on its owner thread).

    Both cores only pay off when the other core is really free: on a machine busy with other
    programs, llama.cpp's per-step barrier makes two threads several times slower than one.
    So the dial measures both: it keeps the cost per generated token on each thread count and
    uses the cheaper one, trying the other for `PROBE_TOKENS` tokens now and then.
    """

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
        self.widened = 0  # token evaluations run wide (for tests and benchmarks)
        self.cost: dict[int, float | None] = {self.narrow: None, self.wide: None}  # s per token
        self._period = PROBE_PERIOD  # tokens between probes; doubles while the winner holds
        self._until_probe = 1  # the first token starts a probe: both counts get measured
        self._probe_left = 0
        self._probe: int | None = None  # the count being probed
        self._winner: int | None = None  # the winner when the last probe started
        self._settling = False  # the first evaluation after a change pays for the switch

    def better(self) -> int:
        """The thread count that measured cheaper per token (untried counts are tried first)."""
        narrow, wide = self.cost[self.narrow], self.cost[self.wide]
        if wide is None:
            return self.wide
        if narrow is None:
            return self.narrow
        # A tie goes to one thread: it leaves a core to the writer.
        return self.wide if wide < narrow * WIDE_MUST_WIN else self.narrow

    def choose(self, background: bool, tokens: int = 1) -> int:
        """The thread count for the next evaluation of a background or realtime generation."""
        if not background or self.wide <= self.narrow:
            return self.narrow
        quiet = self._gate.quiet_for()  # 0.0 while a realtime generation runs
        if quiet <= 0.0 or quiet < self.quiet_s:
            return self.narrow
        best = self.better()
        if tokens != 1:
            return best  # prompt slices: no probing, they are timed differently
        if self._probe_left > 0 and self._probe is not None:
            self._probe_left -= 1
            return self._probe
        self._until_probe -= 1
        if self._until_probe > 0:
            return best
        # Try the loser again now and then, less often while the same count keeps winning.
        held = best == self._winner
        self._period = min(self._period * 2, MAX_PROBE_PERIOD) if held else PROBE_PERIOD
        self._winner, self._until_probe = best, self._period
        self._probe = self.narrow if best == self.wide else self.wide
        self._probe_left = PROBE_TOKENS - 1
        return self._probe

    def apply(self, background: bool, tokens: int = 1) -> int:
        """Set the thread count for the next evaluation of `tokens` tokens; returns it."""
        wanted = self.choose(background, tokens)
        if wanted != self.current:
            try:
                import llama_cpp

                llama_cpp.llama_set_n_threads(self._llm._ctx.ctx, wanted, wanted)
            except Exception as error:  # an older binding: stay as we are, never fail a job
                log.warning("cannot change llama.cpp's thread count: %s", error)
                self.wide = self.narrow
                return self.current
            self.current = wanted
            self._settling = True
        if wanted > self.narrow and tokens == 1:
            self.widened += 1
        return wanted

    def observe(self, tokens: int, seconds: float) -> None:
        """Time of the evaluation just run on `self.current` threads (one token: counted)."""
        if tokens != 1 or self.current not in self.cost:
            return
        if self._settling:  # not what a token costs on this count, only the switch
            self._settling = False
            return
        old = self.cost[self.current]
        self.cost[self.current] = seconds if old is None else old + SMOOTHING * (seconds - old)
        winner = self._winner
        if self.current == self._probe and winner is not None and winner != self.current:
            best = self.cost.get(winner)  # a count no longer dialled has no cost
            if best is not None and seconds > best * BAD_PROBE:
                self._probe_left = 0  # clearly still losing: stop paying for the probe
                self._period = min(self._period * 2, MAX_PROBE_PERIOD)
