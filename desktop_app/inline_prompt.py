"""Pure rules of inline suggestions: when to ask, what prompt to send, what to show.

Kept free of Qt so each rule can be tested on its own and reused by the typing benchmark's
raw-model baseline (the same prompts, sent straight to the model).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The prompt window starts at a paragraph boundary and stays put while the writer types, so
# llama.cpp's prefix cache keeps every earlier token; it jumps forward only in large steps.
WINDOW_MIN_CHARS = 600  # after a jump, at least this much text before the cursor
WINDOW_MAX_CHARS = 1800  # jump once the window grows past this (~450 tokens)

_PUNCT_END = re.compile(r"(?:[.!?…][\"'”’)]?|[;:—]|,)(?=\s|$)")
_NEXT_WORD = re.compile(r"\s\S")
_TRIGGER_AFTER = re.compile(r"[\w.,;:!?)\]\"'”’ \t-]$")


@dataclass(frozen=True)
class InlinePrompt:
    """What to send for one position, and how to turn the model's text into a suggestion."""

    anchor: int  # document position where the prompt window starts
    prompt: str  # text from the anchor to the cursor, trailing whitespace stripped
    stripped: str  # the whitespace that was stripped (the writer already typed it)

    @property
    def key(self) -> str:
        """Cache key: the exact text before the cursor."""
        return self.prompt + self.stripped


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
    """The prompt for the window starting at `anchor`, with trailing whitespace stripped.

    Measured with the bundled models: a prompt ending in a space cuts next-word accuracy from
    9/60 to 2/60, because the models expect the space inside the next token.
    """
    text = before[anchor - before_start :]
    prompt = text.rstrip(" \t")
    return InlinePrompt(anchor=anchor, prompt=prompt, stripped=text[len(prompt) :])


def shape_suggestion(request: InlinePrompt, generated: str) -> str | None:
    """Turn raw model output into the text to show after the cursor, or None to show nothing.

    Restores the spacing the prompt lost, cuts at the end of a clause or sentence, and refuses
    output that would glue onto a word the writer already finished.
    """
    text = generated.split("\n", 1)[0]
    if request.stripped:
        if not text[:1].isspace():
            return None  # the model continues the last word, but the writer typed a space
        text = text.lstrip(" \t")
    if not text.strip():
        return None
    return cut_at_clause(text)


def reaches_next_word(request: InlinePrompt, generated: str) -> bool:
    """True once `generated` has begun a word after the one the writer is typing.

    The confidence gate is judged there: completing a half-typed word is easy for the model,
    and what the writer sees at the next pause is the word after it.
    """
    if request.stripped:
        return bool(generated.strip())
    return bool(_NEXT_WORD.search(generated))


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


def repeats_after(suggestion: str, after_on_line: str) -> bool:
    """True when the suggestion only repeats what already follows the cursor."""
    after = after_on_line.strip()
    return bool(after) and suggestion.strip().startswith(after)
