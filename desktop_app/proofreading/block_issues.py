"""The issues the editor shows, per block, each with the exact text it was found in.

`BlockIssues` mirrors what the checker has reported: `accept(result, text_now)` keeps a
`CheckResult` only if the block still holds the text it was made for (a stale result is
dropped, never shown); `shift(first, old_last, delta)` follows an edit (the edited blocks lose
their issues at once, the blocks after them move by `delta`); `valid(block, text_now)` gives
a block's issues only while its text is unchanged. Offsets are `str` indices into the block.
No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from desktop_app.proofreading.linter import Issue


class BlockIssues:
    """Block number -> (text, issues) for every block with issues; the total kept up to date."""

    def __init__(self) -> None:
        self._by_block: dict[int, tuple[str, list[Issue]]] = {}
        self.count = 0

    def clear(self) -> None:
        """Forget everything (checking turned off, a new document)."""
        self._by_block.clear()
        self.count = 0

    def __len__(self) -> int:
        return len(self._by_block)

    def accept(self, block: int, text: str, issues: list[Issue], text_now: str | None) -> bool:
        """Take a block's result if `text_now` (the block's text now) is what was checked."""
        if text_now is None or text_now != text:
            return False  # stale: the block was edited (or is gone) since
        self._set(block, text, issues)
        return True

    def _set(self, block: int, text: str, issues: list[Issue]) -> None:
        old = self._by_block.pop(block, None)
        if old is not None:
            self.count -= len(old[1])
        if issues:
            self._by_block[block] = (text, list(issues))
            self.count += len(issues)

    def shift(self, first: int, old_last: int, delta: int) -> None:
        """Blocks `first`..`old_last` were replaced by `old_last - first + 1 + delta` blocks."""
        if not self._by_block:
            return
        if delta == 0:  # typing within lines: only the edited blocks change (no O(n) pass)
            for block in range(first, old_last + 1):
                entry = self._by_block.pop(block, None)
                if entry is not None:
                    self.count -= len(entry[1])
            return
        moved: dict[int, tuple[str, list[Issue]]] = {}
        for block, entry in self._by_block.items():
            if block < first:
                moved[block] = entry
            elif block > old_last:
                moved[block + delta] = entry
            else:
                self.count -= len(entry[1])
        self._by_block = moved

    def valid(self, block: int, text_now: str) -> list[Issue]:
        """The block's issues, if its text is still the one they were found in."""
        entry = self._by_block.get(block)
        return entry[1] if entry is not None and entry[0] == text_now else []

    def drop_where(self, wanted: Callable[[Issue], bool]) -> None:
        """Remove the issues `wanted` picks (ignored, or the word was added to the dictionary)."""
        for block, (text, issues) in list(self._by_block.items()):
            kept = [issue for issue in issues if not wanted(issue)]
            if len(kept) != len(issues):
                self._set(block, text, kept)

    def blocks(self) -> Iterator[int]:
        """Block numbers with issues, in order."""
        return iter(sorted(self._by_block))

    def next_after(
        self, block: int, offset: int, text_of: Callable[[int], str | None]
    ) -> tuple[int, Issue] | None:
        """The first valid issue starting after (block, offset), else the first of all (wrap)."""
        first: tuple[int, Issue] | None = None
        for number in sorted(self._by_block):
            text = text_of(number)
            if text is None:
                continue
            for issue in self.valid(number, text):
                if number > block or (number == block and issue.start > offset):
                    return number, issue
                first = first or (number, issue)
        return first


def from_utf16(text: str, units: int) -> int:
    """The `str` index in `text` of a position counted in UTF-16 units (as Qt counts)."""
    index = 0
    for ch in text:
        units -= 2 if ord(ch) > 0xFFFF else 1
        if units < 0:
            break
        index += 1
    return index
