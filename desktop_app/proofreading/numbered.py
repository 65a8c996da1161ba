"""Block texts read as (block number, text) pairs, without a list of pairs.

The checker walks every block of the document at each pass. Pairing the texts of a
400,000-block document into a list made 400,000 new tuples per pass, which the garbage
collector then had to look at: a 40-60 ms young-generation collection, on the GUI thread
(where `GuiThreadCollector` runs them), at every pause in typing. `NumberedTexts` holds only
the list of texts and spans of block numbers; a pair exists only while it is being read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence


class NumberedTexts(Sequence):
    """(number, texts[number]) for the numbers in `spans` (ranges, in order), as a sequence."""

    __slots__ = ("texts", "spans", "_length")

    def __init__(self, texts: Sequence[str], spans: tuple[range, ...] | None = None) -> None:
        self.texts = texts
        spans = (range(len(texts)),) if spans is None else spans
        self.spans = tuple(span for span in spans if len(span))
        self._length = sum(len(span) for span in self.spans)

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[tuple[int, str]]:
        texts = self.texts
        for span in self.spans:
            for number in span:
                yield number, texts[number]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._slice(index)
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        for span in self.spans:
            if index < len(span):
                number = span[index]
                return number, self.texts[number]
            index -= len(span)
        raise IndexError(index)  # pragma: no cover - the length says otherwise

    def _slice(self, index: slice) -> NumberedTexts:
        start, stop, step = index.indices(self._length)
        if step == -1 and index.start is None and index.stop is None:
            return NumberedTexts(self.texts, tuple(span[::-1] for span in reversed(self.spans)))
        if step != 1:
            raise ValueError("only whole reversal or a step of 1")
        spans, at = [], 0
        for span in self.spans:
            low, high = max(start - at, 0), min(stop - at, len(span))
            if low < high:
                spans.append(span[low:high])
            at += len(span)
        return NumberedTexts(self.texts, tuple(spans))

    def text_before(self, number: int) -> str | None:
        """The text of the pair just before `number`'s (None: `number` is first, or absent)."""
        previous = None
        for span in self.spans:
            if number in span:
                index = span.index(number)
                if index:
                    return self.texts[span[index - 1]]
                return None if previous is None else self.texts[previous]
            previous = span[-1]
        return None

    def __add__(self, other: object) -> NumberedTexts:
        if not isinstance(other, NumberedTexts) or other.texts is not self.texts:
            return NotImplemented
        return NumberedTexts(self.texts, self.spans + other.spans)
