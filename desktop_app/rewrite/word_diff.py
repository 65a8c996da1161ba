"""Word-level differences between an original text and a proposed rewrite, for the review panel.

Texts are split into word, punctuation and whitespace tokens and compared with `difflib`; the
result is a list of `(op, text)` runs where `op` is "equal", "delete" (only in the original) or
"insert" (only in the proposal). Joining the "equal" and "delete" runs gives the original back;
joining "equal" and "insert" gives the proposal.
"""

from __future__ import annotations

import difflib
import itertools
import re
from typing import Literal

Op = Literal["equal", "delete", "insert"]
EQUAL: Op = "equal"
DELETE: Op = "delete"
INSERT: Op = "insert"

# Words (letters, digits, apostrophes inside words), single punctuation marks, whitespace runs.
_TOKEN = re.compile(r"\w+(?:['\u2019]\w+)*|\s+|[^\w\s]", re.UNICODE)


# Paragraph breaks, kept in the split (a capture group): pieces alternate text and break.
_PARAGRAPHS = re.compile(r"(\n[^\S\n]*\n\s*)")


def tokenize(text: str) -> list[str]:
    """Split `text` into word, punctuation and whitespace tokens that join back to `text`."""
    return _TOKEN.findall(text)


def more_tokens_than(text: str, limit: int) -> bool:
    """Whether `text` has more than `limit` tokens, reading no further than needed."""
    if len(text) <= limit:  # every token is at least one character
        return False
    tokens = _TOKEN.finditer(text)
    return next(itertools.islice(tokens, limit, None), None) is not None


def _append(runs: list[tuple[Op, str]], op: Op, text: str) -> None:
    if not text:
        return
    if runs and runs[-1][0] == op:
        runs[-1] = (op, runs[-1][1] + text)
    else:
        runs.append((op, text))


def _absorb_gaps(runs: list[tuple[Op, str]]) -> list[tuple[Op, str]]:
    """Fold a whitespace gap between two changes into them, so "a b" → "c d" reads as one change."""
    # Segments: ("equal", text) or ("change", deleted, inserted).
    segments: list[list[str]] = []
    for op, text in runs:
        if op == EQUAL:
            segments.append([EQUAL, text])
            continue
        if not segments or segments[-1][0] == EQUAL:
            segments.append(["change", "", ""])
        segments[-1][1 if op == DELETE else 2] += text
    merged: list[list[str]] = []
    i = 0
    while i < len(segments):
        segment = segments[i]
        gap_between_changes = (
            segment[0] == EQUAL
            and segment[1].isspace()
            and merged
            and merged[-1][0] == "change"
            and i + 1 < len(segments)
        )
        if gap_between_changes:
            following = segments[i + 1]
            merged[-1][1] += segment[1] + following[1]
            merged[-1][2] += segment[1] + following[2]
            i += 2
            continue
        merged.append(list(segment))
        i += 1
    out: list[tuple[Op, str]] = []
    for segment in merged:
        if segment[0] == EQUAL:
            _append(out, EQUAL, segment[1])
        else:
            _append(out, DELETE, segment[1])
            _append(out, INSERT, segment[2])
    return out


def diff_words(original: str, proposal: str) -> list[tuple[Op, str]]:
    """Word-level runs turning `original` into `proposal` (see the module docstring).

    When both have the same number of paragraphs (a whole-document rewrite keeps them), each
    pair is compared on its own: `difflib` grows faster than the text, and 20 paragraphs took
    156 ms compared whole, on the GUI thread, against 7 ms paragraph by paragraph.
    """
    left, right = _PARAGRAPHS.split(original), _PARAGRAPHS.split(proposal)
    if len(left) == len(right) > 1:
        runs: list[tuple[Op, str]] = []
        for a, b in zip(left, right, strict=True):
            for op, text in _diff_tokens(a, b) if a != b else [(EQUAL, a)]:
                _append(runs, op, text)
        return runs
    return _diff_tokens(original, proposal)


def _diff_tokens(original: str, proposal: str) -> list[tuple[Op, str]]:
    a, b = tokenize(original), tokenize(proposal)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    runs: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(runs, EQUAL, "".join(a[i1:i2]))
            continue
        _append(runs, DELETE, "".join(a[i1:i2]))
        _append(runs, INSERT, "".join(b[j1:j2]))
    return _absorb_gaps(runs)
