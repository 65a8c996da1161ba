"""The one text-generation interface that every path (inline, rewrite, CLI) uses.

A backend turns a `GenerationRequest` into a stream of `Piece`s. Streams are plain blocking
iterators: they are consumed on a worker thread, never on the GUI thread. A backend must stop
promptly (within one token) once `request.cancel` is set, and must raise `ModelError` (or a
subclass) with a short, writer-readable message on any failure: never a raw traceback, never
an API key.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol, runtime_checkable


class ModelError(RuntimeError):
    """A generation failed; `str(error)` is a one-line reason fit to show the writer."""


class ModelUnavailable(ModelError):
    """The model cannot be used at all (missing or corrupt file, server down, bad key)."""


class Cancelled(ModelError):
    """The request was cancelled before it finished."""


class Priority(IntEnum):
    """Realtime work (inline suggestions) always goes before background work (rewrites)."""

    REALTIME = 0
    BACKGROUND = 1


@dataclass
class GenerationRequest:
    """What to generate.

    Give either `prompt` (raw continuation, as for inline suggestions) or `messages`
    (chat turns, `[{"role": "system"|"user"|"assistant", "content": str}]`, as for rewrites).
    """

    prompt: str | None = None
    messages: list[dict[str, str]] | None = None
    max_tokens: int = 16
    stop: tuple[str, ...] = ()
    temperature: float = 0.0
    # Sampling seed when `temperature > 0`: the same seed gives the same text again, another
    # seed another text (None: the backend's own choice).
    seed: int | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    priority: Priority = Priority.BACKGROUND
    # Report the probability of each generated token in `Piece.prob` (local backends compute
    # it from the real logits; remote backends may leave it None).
    want_probs: bool = False
    # With want_probs, also report the `top_k` likeliest first tokens, from the same logits,
    # in the first piece's `alternatives` (inline alternatives at no extra cost; 0: none).
    top_k: int = 0
    # The text must begin with this (the writer's half-typed word after an inline prompt). A
    # backend that can (`heals`) samples only tokens that agree with it, so its probabilities
    # are conditional on it; one that cannot ignores it, and the caller checks the text.
    prefix: str = ""


@dataclass
class Piece:
    """One streamed piece of text (usually one token)."""

    text: str
    prob: float | None = None
    alternatives: tuple[tuple[str, float], ...] = ()  # (token text, prob), first piece only
    # With want_probs, where the backend can say: the probability at this piece's first token
    # that the text broke there (a token beginning with a space or punctuation, or the end),
    # that is, that the word before it was whole.
    break_prob: float | None = None


@dataclass
class Timings:
    """What one generation cost. Times are in milliseconds from the request's start."""

    prompt_tokens: int = 0  # tokens in the prompt
    evaluated_tokens: int = 0  # prompt tokens actually evaluated (the rest came from the cache)
    generated_tokens: int = 0
    first_piece_ms: float | None = None
    total_ms: float = 0.0
    queued_ms: float = 0.0  # time spent waiting for the model before evaluation began


class GenerationStream(Iterator[Piece]):
    """An iterator of pieces that also exposes the timings once it is exhausted or closed."""

    timings: Timings

    def close(self) -> None: ...


@runtime_checkable
class TextModel(Protocol):
    """A loaded model (local or remote) that can stream text."""

    @property
    def name(self) -> str: ...

    @property
    def context_tokens(self) -> int:
        """How many tokens of prompt plus output the model can take."""
        ...

    #: True when the model keeps its text to `GenerationRequest.prefix` (token healing).
    heals: bool

    def count_tokens(self, text: str) -> int:
        """Tokens in `text` (an estimate is fine for remote models)."""
        ...

    def stream(self, request: GenerationRequest) -> GenerationStream:
        """Start generating; iterate the result on a worker thread, never on the GUI thread."""
        ...

    def close(self) -> None:
        """Release the model (threads, memory, connections)."""
        ...
