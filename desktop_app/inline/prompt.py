"""Pure rules of inline suggestions: when to ask, what prompt to send, what to show.

Kept free of Qt so each rule can be tested on its own and reused by the typing benchmark's
raw-model baseline (the same prompts, sent straight to the model).

Two measured facts shape the prompt. A prompt that ends in a space wrecks the next-word guess
(9/60 → 2/60 here): the models expect the space inside the next token. And a prompt that ends in
half a word is worse still: " i" is almost never followed by "s" in training text, because " is"
is one token, so the model continues "it i" with "is…". So the prompt stops before the word being
typed ("token healing"): the model must write the space and the writer's partial word itself, and
what it writes after that is the suggestion. Every keystroke inside a word then shares one
prompt, so one model call serves the whole word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from models.base import GenerationRequest, Piece, Priority

# The prompt window starts at a paragraph boundary and stays put while the writer types, so
# llama.cpp's prefix cache keeps every earlier token; it jumps forward only in large steps.
WINDOW_MIN_CHARS = 600  # after a jump, at least this much text before the cursor
WINDOW_MAX_CHARS = 1800  # jump once the window grows past this (~450 tokens)

_PUNCT_END = re.compile(r"(?:[.!?…][\"'”’)]?|[;:—]|,)(?=\s|$)")
_PARTIAL_WORD = re.compile(r"(?<=[ \t])[\w'’-]+$")
_NEXT_WORD = re.compile(r"\s\S")
_TRIGGER_AFTER = re.compile(r"[\w.,;:!?)\]\"'”’ \t-]$")
_WORD_GOES_ON = re.compile(r"[\w'’-]*")
_BREAKS_AT = re.compile(r"[^\w'’-]")


STOP = ("\n",)  # a suggestion never runs past the end of its line


def inline_request(
    prompt: str, max_tokens: int, temperature: float = 0.0, cancel=None, prefix: str = ""
) -> GenerationRequest:
    """The request for an inline continuation of `prompt`, as the engine sends it (and the
    benchmarks and `inkling check` after it): realtime, stopping at a line break, with the
    per-token probabilities the confidence gate needs, kept to `prefix` (`healing_prefix`)
    where the model can."""
    request = GenerationRequest(
        prompt=prompt,
        max_tokens=max_tokens,
        stop=STOP,
        temperature=temperature,
        priority=Priority.REALTIME,
        want_probs=True,
        prefix=prefix,
    )
    if cancel is not None:
        request.cancel = cancel
    return request


@dataclass(frozen=True)
class InlinePrompt:
    """What to send for one position, and what the writer typed after it."""

    anchor: int  # document position where the prompt window starts
    prompt: str  # what the model sees: the window up to the last whole word, no trailing space
    typed: str  # what the writer typed after `prompt` (a space, or a space and a partial word)

    @property
    def key(self) -> str:
        """The exact text from the anchor to the cursor."""
        return self.prompt + self.typed


@dataclass(frozen=True)
class SuggestionContext:
    """The text around the cursor at one revision (what the editor hands the engine)."""

    revision: int
    cursor: int
    before_start: int  # document position of before[0]
    before: str  # text before the cursor (at least WINDOW_MAX_CHARS when the document has it)
    after_on_line: str


def should_suggest(before: str, after_on_line: str) -> bool:
    """True where a suggestion makes sense: the cursor ends a word or follows a space or
    punctuation, and the rest of the line is empty or punctuation."""
    if not before or before.endswith("\n"):
        return False  # an empty line or a new paragraph: nothing to go on
    if after_on_line.strip() and any(ch.isalnum() for ch in after_on_line):
        return False
    if before.endswith((" ", "\t")) and before.rstrip(" \t").endswith("\n"):
        return False
    return bool(_TRIGGER_AFTER.search(before))


def choose_anchor(before_start: int, before: str, current_anchor: int | None, cursor: int) -> int:
    """Pick the prompt window's start: keep `current_anchor` while it is still good, else jump.

    `before` is the text from `before_start` to `cursor` (the caller passes at least
    WINDOW_MAX_CHARS of it when the document has that much).
    """
    if (
        current_anchor is not None
        and before_start <= current_anchor <= cursor
        and cursor - current_anchor <= WINDOW_MAX_CHARS
    ):
        return current_anchor
    if cursor - before_start <= WINDOW_MIN_CHARS:
        return before_start
    # The latest paragraph start that still leaves WINDOW_MIN_CHARS before the cursor.
    limit = len(before) - WINDOW_MIN_CHARS
    cut = before.rfind("\n", 0, limit)
    if cut < 0 or len(before) - (cut + 1) > WINDOW_MAX_CHARS:
        cut = before.rfind(" ", 0, limit)  # no paragraph break near: a word boundary
    return before_start + cut + 1 if cut >= 0 else before_start


def build_prompt(anchor: int, before_start: int, before: str) -> InlinePrompt:
    """The prompt for the window starting at `anchor`: it stops before the word being typed
    and before any trailing space, which the model must then write itself."""
    text = before[anchor - before_start :]
    body = text.rstrip(" \t")
    if body == text:
        partial = _PARTIAL_WORD.search(body)
        if partial and body[: partial.start()].strip():
            body = body[: partial.start()].rstrip(" \t")
    return InlinePrompt(anchor=anchor, prompt=body, typed=text[len(body) :])


def healing_prefix(request: InlinePrompt) -> str:
    """What the model is kept to writing first (`GenerationRequest.prefix`): the space and the
    half-typed word inside a word; nothing at a word's end, where the gate was calibrated on
    the model's free choice."""
    return request.typed if request.typed.strip() else ""


def finished_word(request: InlinePrompt, pieces: Sequence[Piece]) -> tuple[str, float] | None:
    """Inside a word: (the rest of the word being typed, the model's probability of exactly
    that word) once the pieces finish it; None when they do not, or cannot say.

    The probability is the joint of the pieces up to the word's end: through the piece the word
    ends in, or, when it ends between pieces, times the next piece's `break_prob` (the chance
    that the word stopped there). With a healing backend the pieces' probabilities are
    conditional on the half word already typed, so this is how sure the model is of the word.
    """
    if not request.typed.strip():
        return None
    generated, joint, rest = "", 1.0, ""
    for piece in pieces:
        if piece.prob is None:
            return None
        if rest and _BREAKS_AT.match(piece.text):  # the word ended before this piece
            return (rest, joint * piece.break_prob) if piece.break_prob is not None else None
        generated += piece.text
        joint *= piece.prob
        rest = remainder(request, generated)
        if rest is None:
            return None
        word = _WORD_GOES_ON.match(rest)
        if word.end() < len(rest):  # the word ended inside this piece
            return rest[: word.end()], joint
    return None


def remainder(request: InlinePrompt, generated: str) -> str | None:
    """What the model wrote beyond what the writer already typed: None when it disagrees with
    the typed text, "" while it has not yet written past it."""
    if generated.startswith(request.typed):
        return generated[len(request.typed) :]
    if request.typed.startswith(generated):
        return ""
    return None


def reaches_next_word(request: InlinePrompt, rest: str) -> bool:
    """True once the suggestion `rest` has begun the word after the one being typed.

    The confidence gate is judged there: finishing a half-typed word is easy for the model,
    and what the writer sees at the next pause is the word after it.
    """
    if not request.typed.strip():
        return bool(rest.strip())
    return bool(_NEXT_WORD.search(rest))


def cut_at_clause(text: str) -> str:
    """Keep `text` up to the first sentence or clause end (a comma counts after three words)."""
    for match in _PUNCT_END.finditer(text):
        head = text[: match.end()]
        if not any(ch.isalnum() for ch in head):
            continue
        if match.group(0) == "," and len(head.split()) < 3:
            continue
        return head
    return text


def is_finished(text: str) -> bool:
    """True when `text` already ends a clause or sentence: no need to generate more."""
    longer = text + " x"
    return cut_at_clause(longer) != longer


def evaluate(
    request: InlinePrompt,
    pieces: Sequence[Piece],
    min_prob: float,
    final: bool = False,
    unscored: Callable[[str], bool] | None = None,
) -> tuple[str, str]:
    """Judge the pieces generated so far: ("wait", ""), ("stop", ""), ("show", text) or
    ("done", text) — done meaning nothing more is needed.

    The joint probability of the tokens up to the first one of the next word must reach
    `min_prob` (the confidence gate, as in Smart Compose); the text is cut at a line break and
    at the end of a clause or sentence. With `final`, the stream has ended. A model that gives
    no probabilities at all (some servers) cannot pass the gate: its suggestion is shown only if
    `unscored(text so far)` vouches for it (the document agrees), else nothing is shown.
    """
    generated = ""
    joint = 1.0
    gated = False
    scored = False
    for piece in pieces:
        generated += piece.text
        if piece.prob is not None:
            joint *= piece.prob
            scored = True
        rest = remainder(request, generated)
        if rest is None:
            return "stop", ""
        if not gated and reaches_next_word(request, rest):
            if joint < min_prob:
                return "stop", ""
            if not scored and not (unscored is not None and unscored(rest)):
                return "stop", ""  # no probability and no other evidence: stay quiet
            gated = True
    rest = remainder(request, generated) or ""
    line_end = "\n" in rest
    text = cut_at_clause(rest.split("\n", 1)[0])
    vouched = scored or (unscored is not None and unscored(text))
    if not gated and not (final and text.strip() and joint >= min_prob and vouched):
        return ("stop", "") if final or line_end else ("wait", "")
    if not text.strip():
        return ("stop", "") if final or line_end or rest.strip() else ("wait", "")
    if final or line_end or is_finished(text):
        return "done", text
    return "show", text


def repeats_after(suggestion: str, after_on_line: str) -> bool:
    """True when the suggestion only repeats what already follows the cursor."""
    after = after_on_line.strip()
    return bool(after) and suggestion.strip().startswith(after)
