"""The pieces of a remote generation: its deadlines, and the caller's blocking stream.

`RemoteStream` is the hand-over point between a `RemoteModel`'s event-loop thread, which puts
pieces (and finally an end marker, maybe an error) into a queue, and the caller's worker
thread, which iterates it. Cancelling is seen on both sides within `POLL_S`.
"""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass
from typing import Any, Literal

from models.base import Cancelled, GenerationRequest, GenerationStream, Piece, Timings

__all__ = ["POLL_S", "Deadlines", "RemoteStream", "Role"]

Role = Literal["inline", "rewrite"]
POLL_S = 0.02  # how often a blocked reader or the loop's watcher looks at `request.cancel`


@dataclass(frozen=True)
class Deadlines:
    """How long to wait, and how often to retry, for one generation."""

    connect: float = 5.0  # to open the TCP (and TLS) connection
    read: float = 60.0  # for the response to start, and then between two chunks
    first_piece: float | None = None  # overall, from the request to the first piece of text
    retries: int = 2  # on 429, 5xx and connection errors, never after text has arrived
    retry_after_cap: float = 10.0  # the longest `Retry-After` we honour
    backoff: float = 0.5  # first wait when the server gives no `Retry-After` (doubles)

    @classmethod
    def for_role(cls, role: Role) -> Deadlines:
        """The defaults: inline suggestions must be fast or nothing, rewrites may be patient."""
        if role == "inline":
            return cls(connect=1.5, read=1.5, first_piece=1.5, retries=0)
        return cls()


class RemoteStream(GenerationStream):
    """The caller's side of one generation: pieces arrive through a queue from the loop thread."""

    def __init__(self, request: GenerationRequest, prompt_tokens: int) -> None:
        self.timings = Timings(prompt_tokens=prompt_tokens, evaluated_tokens=prompt_tokens)
        self._request = request
        self._queue: queue.SimpleQueue[Piece | _End] = queue.SimpleQueue()
        self._started = time.perf_counter()
        self._future: Any = None
        self._finished = False
        self.pieces = 0  # written by the loop thread only

    def attach(self, future: Any) -> None:
        """Remember the loop-side future, so that `close()` can cancel it."""
        self._future = future

    # -- loop-thread side -------------------------------------------------------------------
    def _elapsed_ms(self) -> float:
        return (time.perf_counter() - self._started) * 1000.0

    def put_piece(self, text: str, prob: float | None = None) -> None:
        """Hand one piece of text (and its probability, when the server gave one) to the
        reader (loop thread)."""
        if self.pieces == 0:
            self.timings.first_piece_ms = self._elapsed_ms()
        self.pieces += 1
        self._queue.put(Piece(text, prob))

    def put_end(self, error: Exception | None = None, completion_tokens: int | None = None) -> None:
        """Finish the stream, with the error the reader will see, if any (loop thread)."""
        self.timings.generated_tokens = completion_tokens or self.pieces
        self.timings.total_ms = self._elapsed_ms()
        self._queue.put(_End(error))

    # -- caller side ------------------------------------------------------------------------
    def __next__(self) -> Piece:
        while not self._finished:
            if self._request.cancel.is_set():
                # Like the local backend: a cancelled generation ends in `Cancelled`.
                self.close()
                raise Cancelled("Generation cancelled.")
            try:
                item = self._queue.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if isinstance(item, Piece):
                return item
            self._finished = True
            if item.error is not None:
                # Raised here, outside any `except`, so it carries no chained library error.
                raise item.error
        raise StopIteration

    def close(self) -> None:
        """Stop generating and close the HTTP stream (safe to call from any thread, twice)."""
        if not self._finished:
            self._finished = True
            if self.timings.total_ms == 0.0:
                self.timings.total_ms = self._elapsed_ms()
                self.timings.generated_tokens = self.pieces
        if self._future is not None:
            self._future.cancel()


@dataclass
class _End:
    error: Exception | None
