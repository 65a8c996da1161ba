"""A deterministic rewrite model that always writes a faithful proposal, for UI flows.

The bundled 135M model's proposals rarely pass the rewrite guard (by design: it drops and
invents content), so a test of what the review panel does with a proposal (Replace, Insert
Below, Undo, the dock closing) cannot depend on one appearing. This stand-in rewrites the text
between <text> and </text> by a fixed rule that keeps every sentence, number and name; for
Continue writing it adds one new sentence. The real model's own path is tested elsewhere with
assertions that hold whichever way the guard decides.
"""

from __future__ import annotations

import re

from models.base import GenerationRequest, Piece, Timings

CONTINUATION = "Later that afternoon the rain cleared and the sky turned pale blue."
_TEXT = re.compile(r"<text>\s*(.*?)\s*</text>", re.S)
_CASUAL = {"hey so basically ": "", "cuz": "because", ", sorry lol": ", sorry"}


def faithful_rewrite(text: str) -> str:
    """The text with casual words replaced, first letter capitalised: nothing dropped or added."""
    for old, new in _CASUAL.items():
        text = text.replace(old, new)
    return text[:1].upper() + text[1:]


class _Stream:
    def __init__(self, words: list[str]) -> None:
        self._words = words
        self.timings = Timings(first_piece_ms=1.0)

    def __iter__(self):
        return self

    def __next__(self) -> Piece:
        if not self._words:
            raise StopIteration
        self.timings.generated_tokens += 1
        return Piece(self._words.pop(0), 0.9)

    def close(self) -> None:
        self._words = []


class FaithfulModel:
    """Implements TextModel; answers chat requests with a faithful rewrite, word by word."""

    name = "faithful stand-in"
    context_tokens = 2048

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)

    def stream(self, request: GenerationRequest) -> _Stream:
        prompt = "\n".join(m["content"] for m in request.messages or ()) or request.prompt or ""
        texts = _TEXT.findall(prompt)  # the last one: the system message names the tags too
        source = texts[-1] if texts else prompt
        if "write the next paragraph" in prompt.lower():  # Continue writing
            answer = CONTINUATION
        else:
            answer = faithful_rewrite(source)
        return _Stream(re.findall(r"\S+\s*", answer))

    def close(self) -> None:
        pass


def faithful_opener(spec, *, role: str = "rewrite", models_dir=None) -> FaithfulModel:
    """A ModelHost opener that gives every path the faithful stand-in."""
    return FaithfulModel()
