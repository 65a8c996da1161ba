"""An earlier passage of the document for the prompt, chosen the llama.vim way.

When the prompt window (the last ~600-1800 characters) names people or places that it does
not introduce, the paragraph of the earlier text that shares most of those names is put in
front of the window, with a blank line between. As llama.vim does with its ring of chunks, the
passage is chosen only when the window's anchor moves, so every keystroke in between still
finds the whole prompt in llama.cpp's prefix cache.

Measured with `inkling bench gate --passage` before it is used anywhere: see that command.
"""

from __future__ import annotations

import re

MAX_PASSAGE_CHARS = 500  # about 120 tokens in front of the window
MIN_PASSAGE_CHARS = 80
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")
_PARAGRAPHS = re.compile(r"\n\s*\n")


def names_in(text: str) -> set[str]:
    """Capitalised words of `text` that do not open a sentence (a plain stand-in for names)."""
    found = set()
    for match in _CAPITALISED.finditer(text):
        before = text[: match.start()].rstrip()
        title = before.endswith(("Mr.", "Mrs.", "Ms.", "Dr.", "St."))
        if before and (title or before[-1] not in ".!?\"'\u201c\u2018:"):
            found.add(match.group())
    return found


def earlier_passage(earlier: str, window: str) -> str:
    """The paragraph of `earlier` (the text before the window) that has the most of the
    window's names, when it has any; "" when none does. Ties go to the latest paragraph."""
    wanted = names_in(window)
    if not wanted:
        return ""
    best, best_score = "", 0
    for paragraph in _PARAGRAPHS.split(earlier):
        paragraph = " ".join(paragraph.split())
        if len(paragraph) < MIN_PASSAGE_CHARS:
            continue
        # Any capital counts on this side: a paragraph may well open with the name.
        score = len(wanted & set(_CAPITALISED.findall(paragraph)))
        if score and score >= best_score:
            best, best_score = paragraph, score
    if len(best) > MAX_PASSAGE_CHARS:
        cut = best.rfind(" ", 0, MAX_PASSAGE_CHARS)
        best = best[: cut if cut > 0 else MAX_PASSAGE_CHARS]
    return best
