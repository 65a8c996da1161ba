"""The job a LocalModel queues for its owner thread, and the stream its caller reads."""

from __future__ import annotations

import queue
from dataclasses import dataclass, field

import numpy as np

from models.base import Cancelled, GenerationRequest, GenerationStream, Piece, Timings

# How often a waiting stream re-checks its request's cancel event.
_CANCEL_POLL_S = 0.05


class Interrupted(Exception):
    """Raised inside llama's loop (from our eval hook) to stop a cancelled generation."""


END = object()


@dataclass
class Job:
    """One request on its way through a LocalModel's owner thread."""

    request: GenerationRequest
    out: queue.SimpleQueue
    timings: Timings
    created: float
    started: bool = False
    abandoned: bool = False  # the stream was closed or cancelled before or during the run
    # Filled while the job runs on the owner thread:
    eval_count: int = 0
    sampled: bool = False
    # (bytes, prob, word-break prob) per token
    pending: list[tuple[int, float, float | None]] = field(default_factory=list)
    consumed_bytes: int = 0
    emitted_bytes: int = 0
    logits: np.ndarray | None = None
    first_top: tuple[tuple[str, float], ...] | None = None  # the first token's top_k
    breaks: np.ndarray | None = None  # which tokens begin a new word (`healing.Vocabulary`)

    def keep_logits(self, scores) -> None:
        """Keep a copy of this step's logits (after any prefix constraint) for `note_token`."""
        self.logits = np.array(scores, dtype=np.float32, copy=True)

    def note_token(self, token: int, token_bytes: int, detokenize=None) -> None:
        """Remember the probability of the token just chosen, from this step's logits (and,
        for the first token, the `top_k` likeliest ones)."""
        if self.logits is None:  # only kept when the request wants probabilities
            return
        logits = self.logits.astype(np.float64)
        top = logits.max()
        weights = np.exp(logits - top)
        total = weights.sum()
        prob = float(weights[token] / total)
        broke = float(weights[self.breaks].sum() / total) if self.breaks is not None else None
        k = min(self.request.top_k, len(logits) - 1)
        if self.first_top is None and k > 0 and detokenize is not None:
            best = np.argpartition(-logits, k)[:k]
            best = best[np.argsort(-logits[best])]
            self.first_top = tuple(
                (detokenize([int(t)]).decode("utf-8", "replace"), float(weights[t] / total))
                for t in best
            )
        elif self.first_top is None:
            self.first_top = ()
        self.logits = None
        # Streamed pieces can join tokens: remember each token's bytes to map them.
        self.pending.append((token_bytes, prob, broke))

    def piece(self, text: str, now: float) -> Piece:
        """The next piece, with the joint probability of the tokens that produced its text."""
        prob = broke = None
        if self.request.want_probs:
            self.emitted_bytes += len(text.encode("utf-8"))
            joint = 1.0
            used = False
            while self.pending and self.consumed_bytes < self.emitted_bytes:
                size, token_prob, token_broke = self.pending.pop(0)
                self.consumed_bytes += size
                joint *= token_prob
                broke = token_broke if not used else broke  # at the piece's first token
                used = True
            prob = joint if used else None
        alternatives: tuple[tuple[str, float], ...] = ()
        if self.timings.first_piece_ms is None:
            self.timings.first_piece_ms = (now - self.created) * 1000
            alternatives = self.first_top or ()
        return Piece(text, prob, alternatives, broke)

    def cancelled(self) -> bool:
        """True once the caller cancelled the request or closed its stream."""
        return self.abandoned or self.request.cancel.is_set()


class LocalStream(GenerationStream):
    """Pieces of one job, read on the caller's thread from the owner thread's output queue."""

    def __init__(self, job: Job, model_name: str) -> None:
        self._job = job
        self._name = model_name
        self._done = False
        self.timings = job.timings

    def __next__(self) -> Piece:
        if self._done:
            raise StopIteration
        job = self._job
        while True:
            try:
                item = job.out.get(timeout=_CANCEL_POLL_S)
            except queue.Empty:
                if job.request.cancel.is_set() and not job.started:
                    # Still queued: no need to wait for the owner thread to reach it.
                    job.abandoned = True
                    self._done = True
                    raise Cancelled("Generation cancelled.") from None
                continue
            if isinstance(item, Piece):
                return item
            self._done = True
            if item is END:
                raise StopIteration
            raise item

    def close(self) -> None:
        """Stop the generation (within one token) and stop reading."""
        self._job.abandoned = True
        self._done = True
