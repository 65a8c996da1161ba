"""Honest time estimates for rewrite jobs, from this model's measured speed on this machine.

`RateBook` remembers, per model, how many tokens per second it really wrote in finished jobs
(wall time from the job's start to its end, so reading the prompt is included) and how many
tokens it writes per character of input for each action. It lives in memory and in
`rates.json` in the data folder, written atomically. An estimate is then simple arithmetic:
characters to rewrite x tokens per character / tokens per second. While a job runs, the time
left comes from the job's own rate so far. Nothing here invents a percentage: before a model
has been measured, the estimate says it is a first guess.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from desktop_app.rewrite.actions import get_action
from models.atomic import atomic_write

log = logging.getLogger(__name__)

FILE_NAME = "rates.json"
# Before any measurement: a rough speed for a small local model on a laptop (tokens/s) and
# ~4 characters per token of English prose.
FIRST_GUESS_TOKENS_PER_S = 15.0
CHARS_PER_TOKEN = 4.0
# Warn before a job that would take longer than this.
LONG_JOB_S = 600.0
# A finished job teaches the rate only when it measured something (not a one-word reply).
MIN_TOKENS, MIN_SECONDS = 20, 0.5
# Each new measurement moves the remembered rate this far (an exponential moving average).
SMOOTHING = 0.3
# What a remote server's speed would mean, for the long-job warning (tokens/s).
REMOTE_EXAMPLE_TOKENS_PER_S = 60.0


@dataclass(frozen=True)
class Estimate:
    """How long a job should take, and whether the speed behind it was measured here."""

    seconds: float
    tokens_per_s: float
    measured: bool

    @property
    def long(self) -> bool:
        """More than ten minutes: the writer is asked before it starts."""
        return self.seconds > LONG_JOB_S


def plain_duration(seconds: float) -> str:
    """ "about 4 minutes", "under a minute", "about 1 hour 20 minutes"."""
    if seconds < 45:
        return "under a minute"
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    tail = f" {rest} minutes" if rest >= 5 else ""
    return f"about {hours} hour{'s' if hours != 1 else ''}{tail}"


class RateBook:
    """Measured tokens/s per model and output tokens per input character per action."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._speed: dict[str, float] = {}  # model name -> tokens/s
        self._density: dict[str, float] = {}  # action id -> output tokens per input character

    @classmethod
    def load(cls, path: Path | None = None) -> RateBook:
        """The rates kept at `path` (default: the data folder); empty when unreadable."""
        if path is None:
            from desktop_app.paths import data_dir

            path = data_dir() / FILE_NAME
        book = cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            book._speed = {str(k): float(v) for k, v in data.get("tokens_per_s", {}).items()}
            book._density = {str(k): float(v) for k, v in data.get("tokens_per_char", {}).items()}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, AttributeError, TypeError) as error:
            log.warning("rates file %s unreadable (%s); starting afresh", path, error)
        return book

    def save(self) -> None:
        """Write the rates atomically (call off the GUI thread)."""
        if self.path is None:
            return
        with self._lock:
            data = {"tokens_per_s": dict(self._speed), "tokens_per_char": dict(self._density)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))
        except OSError as error:
            log.warning("could not save rates to %s: %s", self.path, error)

    def tokens_per_s(self, model: str) -> float | None:
        """The measured speed of `model` here, or None before its first measured job."""
        with self._lock:
            return self._speed.get(model)

    def learn(self, model: str, action: str, chars: int, tokens: int, seconds: float) -> bool:
        """Take one finished job's figures; False when it measured too little to count."""
        if tokens < MIN_TOKENS or seconds < MIN_SECONDS or chars <= 0:
            return False
        speed, density = tokens / seconds, tokens / chars
        with self._lock:
            old = self._speed.get(model)
            self._speed[model] = speed if old is None else old + SMOOTHING * (speed - old)
            old = self._density.get(action)
            self._density[action] = density if old is None else old + SMOOTHING * (density - old)
        return True

    def tokens_per_char(self, action: str) -> float:
        """Output tokens per input character: measured, else the action's own budget ratio."""
        with self._lock:
            measured = self._density.get(action)
        if measured is not None:
            return measured
        return min(1.0, get_action(action).output_ratio) / CHARS_PER_TOKEN

    def estimate(self, model: str, action: str, chars: int) -> Estimate:
        """How long `action` on `chars` characters should take with `model` here."""
        speed = self.tokens_per_s(model)
        measured = speed is not None
        speed = speed or FIRST_GUESS_TOKENS_PER_S
        return Estimate(chars * self.tokens_per_char(action) / speed, speed, measured)

    def time_left(
        self, action: str, chars_left: int, tokens_so_far: int, seconds_so_far: float
    ) -> float | None:
        """Seconds left of a running job, from its own rate so far; None before it has one."""
        if tokens_so_far < MIN_TOKENS or seconds_so_far < MIN_SECONDS:
            return None
        return chars_left * self.tokens_per_char(action) / (tokens_so_far / seconds_so_far)


def long_job_warning(estimate: Estimate, model: str) -> str:
    """What the writer reads before a job of more than ten minutes starts."""
    how = "measured" if estimate.measured else "a first guess; not measured here yet"
    remote_s = estimate.seconds * estimate.tokens_per_s / REMOTE_EXAMPLE_TOKENS_PER_S
    return (
        f"This rewrite would take {plain_duration(estimate.seconds)} with {model} on this "
        f"computer ({estimate.tokens_per_s:.0f} tokens/s, {how}). You can keep writing "
        "meanwhile, and you will be told when the draft is ready.\n\n"
        "A larger local model would write better but more slowly. A remote model "
        f"(Edit → Preferences) writes as fast as its server: at "
        f"{REMOTE_EXAMPLE_TOKENS_PER_S:.0f} tokens/s this would take "
        f"{plain_duration(remote_s)}, and the text would leave this computer."
    )
