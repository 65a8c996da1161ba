"""The typing benchmark's script: the text a simulated writer types, when they pause, what they take.

Qt-free apart from `writer_takes`, which uses the editor's own word rule; shared by the window
replay (`bench typing`) and the offline gate calibration (`bench gate`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

PAUSE_MS = 300  # a gap at least this long after a keystroke counts as a pause
_WORD = re.compile(r"\w[\w'’-]*")


def prepare_text(raw: str) -> str:
    """Unwrap hard-wrapped lines into paragraphs, as a writer would type them."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw)]
    return "\n\n".join(p for p in paragraphs if p)


def first_word(text: str) -> str:
    """The first word of `text`, without the punctuation around it ("Darcy," → "Darcy")."""
    match = _WORD.search(text)
    return match.group(0) if match else ""


def stretch(raw: str, start: int | None, chars: int) -> tuple[str, str]:
    """(context, body): `chars` characters to type from the paragraph at `start` (a third of
    the way in, at most 20,000, by default) and up to 2500 characters of whole paragraphs
    before them, already in the document."""
    text = prepare_text(raw)
    if start is None:
        start = min(len(text) // 3, 20_000)
    start = text.rfind("\n\n", 0, start) + 2 if "\n\n" in text[:start] else 0
    context = text[max(0, start - 2500) : start]
    cut = context.find("\n\n")
    return (context[cut + 2 :] if cut >= 0 else context), text[start : start + chars]


def pause_points(body: str) -> list[int]:
    """Where `schedule` pauses: after a space or line break that a word follows. Each index
    is that of the space or line break."""
    return [
        i
        for i, char in enumerate(body)
        if char in " \n" and body[i + 1 : i + 2] not in (" ", "\n", "")
    ]


def writer_takes(ghost: str, intended: str) -> tuple[str, str]:
    """What the simulated writer takes of the suggestion `ghost` when about to type `intended`:
    ("all", ghost) with Tab when all of it is right, ("word", word) with Ctrl+Right when its
    next word is, else ("", "")."""
    from ui.editor import next_word

    if ghost and intended.startswith(ghost) and len(ghost.strip()) >= 2:
        return "all", ghost
    word = next_word(ghost) if ghost else ""
    if len(word.strip()) >= 2 and intended.startswith(word):
        return "word", word
    return "", ""


@dataclass
class Step:
    """One key to type and the pause after it."""

    char: str
    delay_ms: int


def schedule(text: str, seed: int) -> list[Step]:
    """Human cadence: 60-140 ms within words, 300-450 ms after a word, 900-1300 ms now and then."""
    rng = random.Random(seed)
    steps = []
    pauses = set(pause_points(text))
    for i, char in enumerate(text):
        if i in pauses:
            long_pause = rng.random() < 0.3 or text[i - 1 : i] in ".!?"
            delay = rng.randint(900, 1300) if long_pause else rng.randint(300, 450)
        else:
            delay = rng.randint(60, 140)
        steps.append(Step(char, delay))
    return steps


@dataclass
class PauseRecord:
    """What happened in one pause."""

    shown: str | None = None
    latency_ms: float | None = None
    next_word: str = ""


@dataclass
class Results:
    """Everything measured during the replay."""

    pauses: list[PauseRecord] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    saved_chars: int = 0
    accepted: int = 0
    calls: int = 0
    invented_shown: int = 0  # shown at a pause, bringing in a number, date or name new to the text
    offers_taken: int = 0  # suggestions shown that the writer took a word of or more
    # Pause points of the text the writer went past inside a suggestion they took (Tab or
    # Ctrl+Right): a right next word was on screen there, but no pause is recorded.
    passed_in_takes: int = 0
