"""The inline engine's worker thread: one generation at a time, streamed piece by piece.

The engine puts `Job`s on a queue; this thread asks the model for each one still wanted and
reports every new piece, the end, or a failure through `report(job, finished, error)` (which
hands it to the GUI thread). A cancelled job stops within one token.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop_app.inline.prompt import InlinePrompt, remainder
from models.base import Cancelled, GenerationRequest, ModelError, Piece, TextModel

log = logging.getLogger(__name__)

Report = Callable[["Job", bool, object], None]


@dataclass
class Job:
    """One inline generation: what it was asked for, and what came back so far."""

    id: int
    revision: int
    prompt: InlinePrompt  # replaced (same model prompt) when a keystroke adopts the job
    after_on_line: str
    prefetch: bool
    prefix: str = ""  # what the model is kept to writing first (`healing_prefix`)
    cancel: threading.Event = field(default_factory=threading.Event)
    pieces: list[Piece] = field(default_factory=list)  # appended by the worker thread

    @property
    def key(self) -> tuple[str, str]:
        """What the pieces depend on: the model prompt and the prefix."""
        return self.prompt.prompt, self.prefix

    def serves(self, prompt: InlinePrompt, prefix: str) -> bool:
        """True when this generation, kept to a shorter start of `prefix`, still agrees with
        what is typed now: it can answer `prompt` without a new request."""
        return bool(
            self.prefix
            and self.prompt.prompt == prompt.prompt
            and prefix.startswith(self.prefix)
            and agrees(prompt, self.pieces)
        )


def agrees(prompt: InlinePrompt, pieces: list[Piece]) -> bool:
    """True when `pieces` do not contradict what the writer typed after the prompt."""
    return remainder(prompt, "".join(piece.text for piece in pieces)) is not None


class PieceCache:
    """Finished generations by (model prompt, prefix): the most recent `size` of them.

    Inside a word each keystroke has its own prefix, but a generation kept to a shorter start
    of the half word often still fits what was typed since (`fitting`). Its probabilities are
    conditional on less than a new one's would be, so the gate judges it more strictly, never
    less: where it shows something, no new request is needed.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[str, str], list[Piece]] = OrderedDict()

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._entries

    def get(self, key: tuple[str, str]) -> list[Piece] | None:
        """The pieces asked with exactly `key`, if kept."""
        pieces = self._entries.get(key)
        if pieces is not None:
            self._entries.move_to_end(key)
        return pieces

    def fitting(self, prompt: InlinePrompt, prefix: str) -> list[Piece] | None:
        """The pieces of the longest shorter start of `prefix` that still agree with `prompt`."""
        for size in range(len(prefix) - 1, 1, -1):
            pieces = self._entries.get((prompt.prompt, prefix[:size]))
            if pieces is not None and agrees(prompt, pieces):
                return pieces
        return None

    def remember(self, key: tuple[str, str], pieces: list[Piece]) -> None:
        """Keep `pieces` under `key`, dropping the oldest beyond the size."""
        self._entries[key] = pieces
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)


def run_jobs(
    jobs: queue.Queue[Job | None],
    model_provider: Callable[[], TextModel | None],
    request_for: Callable[[Job], GenerationRequest],
    report: Report,
) -> None:
    """Serve `jobs` until a None arrives."""
    while True:
        job = jobs.get()
        if job is None:
            return
        if job.cancel.is_set():
            continue
        model = model_provider()
        if model is None:
            continue
        try:
            _generate(model, job, request_for(job), report)
        except Cancelled:
            continue  # a newer keystroke took over: nothing to report
        except ModelError as error:
            report(job, True, error)
        except Exception as error:  # noqa: BLE001 - the worker must survive any failure
            log.exception("Inline generation failed")
            report(job, True, ModelError(f"Suggestion failed: {error}"))


def _generate(model: TextModel, job: Job, request: GenerationRequest, report: Report) -> None:
    stream = model.stream(request)
    try:
        for piece in stream:
            if job.cancel.is_set():
                return
            job.pieces.append(piece)
            report(job, False, None)
    finally:
        stream.close()
    if not job.cancel.is_set():
        report(job, True, None)
