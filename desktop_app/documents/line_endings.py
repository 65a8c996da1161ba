"""Line endings kept as the file had them: mixed CRLF/LF, CR only, U+2029, byte for byte.

The editor knows only "\\n" between lines (QTextDocument turns CR, CRLF and U+2029 into block
breaks). Loading therefore turns every ending into "\\n" and notes which ending each line had;
saving maps them back: an unedited text gets its exact endings again, and after edits a line
diff against the text as loaded gives each unchanged (or edited in place) line its own ending,
while new lines get the file's most common one.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from desktop_app.documents.line_diff import line_opcodes

# Every character sequence QTextDocument makes a block break of (U+FDD0/1 are Qt's own).
_BREAK = re.compile("\r\n|[\n\r\u2029\ufdd0\ufdd1]")
_SPECIAL = ("\r", "\u2029", "\ufdd0", "\ufdd1")
# On a tie the more usual style wins.
_PREFERENCE = ("\n", "\r\n", "\r", "\u2029", "\ufdd0", "\ufdd1")
NAMES = {"\n": "LF", "\r\n": "CRLF", "\r": "CR", "\u2029": "PS"}


@dataclass(frozen=True)
class LineEndings:
    """The endings of a file with more than one kind, to write unedited lines back as they were."""

    original: str  # the text as loaded, "\n" between lines
    runs: tuple[tuple[str, int], ...]  # (ending, how many in a row), in file order
    majority: str  # the ending new lines get

    def endings(self) -> list[str]:
        """One ending per line break of `original`."""
        return [ending for ending, count in self.runs for _ in range(count)]

    def apply(self, text: str) -> str:
        """`text` ("\\n" between lines) with each line's ending as the file had it."""
        old_endings = self.endings()
        lines = text.split("\n")
        if text == self.original:
            endings = old_endings
        else:
            endings = [self.majority] * (len(lines) - 1)
            old_lines = self.original.split("\n")
            for tag, i1, i2, j1, j2 in line_opcodes(old_lines, lines):
                if tag not in ("equal", "replace"):
                    continue
                # Unchanged lines, and lines edited in place, keep their own ending.
                for k in range(min(i2 - i1, j2 - j1)):
                    i, j = i1 + k, j1 + k
                    if i < len(old_endings) and j < len(endings):
                        endings[j] = old_endings[i]
        return "".join(itertools.chain.from_iterable(zip(lines, endings, strict=False))) + lines[-1]


class EndingCollector:
    """Turns decoded pieces' line endings into "\\n", remembering what each one was."""

    def __init__(self) -> None:
        self._runs: list[list] = []

    def _add(self, ending: str, count: int) -> None:
        if not count:
            return
        if self._runs and self._runs[-1][0] == ending:
            self._runs[-1][1] += count
        else:
            self._runs.append([ending, count])

    def feed(self, piece: str) -> str:
        """`piece` with "\\n" for every ending (a CRLF must not be split between pieces)."""
        if not any(ch in piece for ch in _SPECIAL):
            self._add("\n", piece.count("\n"))
            return piece
        if "\r" in piece and not any(ch in piece for ch in _SPECIAL[1:]):
            pairs = piece.count("\r\n")
            if pairs == piece.count("\r") == piece.count("\n"):
                self._add("\r\n", pairs)
                return piece.replace("\r\n", "\n")
        for ending, group in itertools.groupby(_BREAK.findall(piece)):
            self._add(ending, sum(1 for _ in group))
        return _BREAK.sub("\n", piece)

    def counts(self) -> Counter:
        """How many of each ending were seen."""
        total: Counter = Counter()
        for ending, count in self._runs:
            total[ending] += count
        return total

    def result(self, text: str) -> tuple[str, LineEndings | None]:
        """(the majority ending, the per-line model when endings are mixed) for `text`."""
        counts = self.counts()
        if not counts:
            return "\n", None
        majority = max(_PREFERENCE, key=lambda e: (counts[e], -_PREFERENCE.index(e)))
        if len(counts) == 1:
            return majority, None
        runs = tuple((ending, count) for ending, count in self._runs)
        return majority, LineEndings(text, runs, majority)
