"""Markdown and code hidden from the proofreader, and a document split into paragraphs.

Harper must only see prose. Everything else (fenced code, front matter, code spans, link URLs,
heading and list markers, emphasis markers, HTML tags, bare URLs) is replaced by spaces of the
same length, so offsets into the masked text are offsets into the original. `masked_spans` tells
which characters were hidden; a lint or a fix touching one of them is dropped.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from desktop_app.proofreading.numbered import NumberedTexts

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_FRONT_MATTER = re.compile(r"^(---|\+\+\+)\s*$")
# Line-start syntax: headings, block quotes, list markers (with task boxes), rules, link defs.
_LINE_PREFIX = re.compile(
    r"^(?: {0,3}#{1,6}(?=\s|$)| {0,3}>[ >]*|\s*(?:[-*+]|\d{1,9}[.)]|\(?[a-z]\))\s+(?:\[[ xX]\]\s+)?)"
)
_HEADING_CLOSE = re.compile(r"\s#+\s*$")
_RULE_LINE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S.*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+).+?(?P=ticks))"  # code span
    r"|(?P<image>!\[[^\]\n]*\]\([^)\n]*\))"  # image: hidden whole
    r"|(?P<linkurl>\]\([^)\n]*\))"  # the "](url)" of a link; the text stays
    r"|(?P<refurl>\]\[[^\]\n]*\])"  # the "][ref]" of a reference link
    r"|(?P<auto><(?:https?|mailto|ftp):[^>\s]+>)"  # autolink
    r"|(?P<url>\b(?:https?://|www\.)[^\s<>()]+)"  # bare URL
    r"|(?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>)"  # HTML tag
    r"|(?P<label>\((?:[a-z]|[ivx]{1,4}|\d{1,3})\)(?=[\s,;.]|$))"  # list label inside a line: (a)
    r"|(?P<open>(?<![\w\\])(?:\*{1,3}|_{1,3}|~~)(?=[^\s*_~]))"  # emphasis opening
    r"|(?P<close>(?<=[^\s*_~])(?:\*{1,3}|_{1,3}|~~)(?!\w))"  # emphasis closing
    r"|(?P<bracket>\[(?=[^\]\n]*\][(\[]))"  # "[" opening a link
)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document: where it starts, its text, and whether it is code."""

    start: int
    text: str
    code: bool = False


def _blank(text: str) -> str:
    """Spaces in place of every character except newlines (offsets and lines stay put)."""
    return "".join("\n" if ch == "\n" else " " for ch in text)


def _mask_line(line: str) -> str:
    if _RULE_LINE.match(line) or _LINK_DEF.match(line) or _TABLE_RULE.match(line):
        return _blank(line)
    chars = list(line)
    prefix = _LINE_PREFIX.match(line)
    if prefix:
        chars[: prefix.end()] = " " * prefix.end()
        if line.lstrip().startswith("#"):
            close = _HEADING_CLOSE.search(line)
            if close:
                chars[close.start() : close.end()] = " " * (close.end() - close.start())
    for match in _INLINE.finditer(line):
        chars[match.start() : match.end()] = " " * (match.end() - match.start())
    if "|" in line and line.strip().startswith("|"):
        chars = [" " if ch == "|" else ch for ch in chars]
    return "".join(chars)


_STATES: dict[tuple[str | None, bool, bool], tuple[str | None, bool, bool]] = {}


class ProseMasker:
    """Masks the lines of one document in order, carrying fenced code and front matter across.

    Feed every paragraph of a document, first to last, to one masker: a fence opened in one
    paragraph stays open in the next until it is closed.
    """

    def __init__(self, at_document_start: bool = True) -> None:
        self._fence: str | None = None
        self._front = False
        # Front matter ("---" … "---") exists only on a document's very first line.
        self._first_line = at_document_start

    @property
    def state(self) -> tuple[str | None, bool, bool]:
        """Where the masker is (open fence, inside front matter, at the document start)."""
        state = (self._fence, self._front, self._first_line)
        # One shared tuple per distinct state: a checker keeps one per block.
        return _STATES.setdefault(state, state)

    @classmethod
    def resume(cls, state: tuple[str | None, bool, bool]) -> ProseMasker:
        """A masker carrying on from `state` (see `state`)."""
        masker = cls()
        masker._fence, masker._front, masker._first_line = state
        return masker

    def advance(self, text: str) -> None:
        """Move past `text` without masking it (only fences and front matter matter)."""
        quiet = self._fence is None and not self._front and not self._first_line
        if quiet and "```" not in text and "~~~" not in text:
            return  # the common case: prose, where nothing opens
        for line in text.split("\n"):
            self._line_state(line)

    def _line_state(self, line: str) -> bool:
        """Update the state for `line`; True when the line is code or front matter."""
        first, self._first_line = self._first_line, False
        if self._front:
            if _FRONT_MATTER.match(line) or line.strip() == "...":
                self._front = False
            return True
        if first and _FRONT_MATTER.match(line):
            self._front = True
            return True
        fence = _FENCE.match(line)
        if self._fence is not None:
            if (
                fence
                and fence.group(1)[0] == self._fence[0]
                and len(fence.group(1)) >= len(self._fence)
            ):
                self._fence = None
            return True
        if fence:
            self._fence = fence.group(1)
            return True
        return False

    def mask(self, text: str) -> str:
        """`text` with everything that is not prose replaced by spaces (same length)."""
        out = "\n".join([self._line(line) for line in text.split("\n")])
        return text if out == text else out  # share the string: a cache keeps one per block

    def _line(self, line: str) -> str:
        return _blank(line) if self._line_state(line) else _mask_line(line)


def mask_prose(text: str, at_document_start: bool = False) -> str:
    """`text` (one paragraph, or a whole document) with its non-prose replaced by spaces."""
    return ProseMasker(at_document_start).mask(text)


def masked_spans(original: str, masked: str) -> list[tuple[int, int]]:
    """The (start, end) runs where masking replaced characters (never whitespace in `original`)."""
    spans: list[tuple[int, int]] = []
    start = -1
    for index, (a, b) in enumerate(zip(original, masked, strict=True)):
        hidden = a != b
        if hidden and start < 0:
            start = index
        elif not hidden and start >= 0:
            spans.append((start, index))
            start = -1
    if start >= 0:
        spans.append((start, len(original)))
    return spans


def touches(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps (or, when empty, sits inside) one of `spans`."""
    return any(start < b and end > a or (start == end and a < start < b) for a, b in spans)


def _blank_line(line: str) -> bool:
    return not line.strip()


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split a document at blank lines; fenced code and front matter become `code` paragraphs.

    A heading line is a paragraph on its own, so it never runs into the sentence after it.
    """
    return list(_paragraphs(text))


def _paragraphs(text: str) -> Iterator[Paragraph]:
    pos = 0
    current: list[str] = []
    current_start = 0
    code_start = -1
    fence: str | None = None
    front = False
    lines = text.split("\n")

    def flush() -> Iterator[Paragraph]:
        if current:
            yield Paragraph(current_start, "\n".join(current))
            current.clear()

    for number, line in enumerate(lines):
        line_end = pos + len(line)
        fence_match = _FENCE.match(line)
        if front or fence is not None:
            closes = (front and (_FRONT_MATTER.match(line) or line.strip() == "...")) or (
                fence is not None
                and fence_match
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= len(fence)
            )
            if closes or number == len(lines) - 1:
                yield Paragraph(code_start, text[code_start:line_end], code=True)
                front, fence = False, None
        elif (number == 0 and _FRONT_MATTER.match(line)) or fence_match:
            yield from flush()
            code_start = pos
            if fence_match:
                fence = fence_match.group(1)
            else:
                front = True
            if number == len(lines) - 1:
                yield Paragraph(code_start, text[code_start:line_end], code=True)
        elif _blank_line(line):
            yield from flush()
        elif line.lstrip().startswith("#") and _LINE_PREFIX.match(line):
            yield from flush()
            yield Paragraph(pos, line)
        else:
            if not current:
                current_start = pos
            current.append(line)
        pos = line_end + 1
    yield from flush()


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of character `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def utf16_offset(text: str, offset: int) -> int:
    """`offset` (Python characters) in UTF-16 code units, as Qt's text positions count them."""
    head = text[:offset]
    return offset + sum(1 for ch in head if ord(ch) > 0xFFFF)


_SENTENCE_CLOSE = (".", "!", "?", ":", '"', "\u201d", "'", "\u2019", ")", "*", "_")


def carries_on(before: str) -> bool:
    """Whether a line after `before` goes on its sentence (hard-wrapped text, no closing mark)."""
    before = before.rstrip()
    return bool(before) and not before.endswith(_SENTENCE_CLOSE)


def block_number(paragraph: tuple[int, str]) -> int:
    """The sort key of a (block number, text) pair."""
    return paragraph[0]


def continues_at(paragraphs: list, block: int) -> bool:
    """Whether `block` carries on a sentence from the block before it (hard-wrapped text).

    `paragraphs` holds (block number, text) pairs sorted by number (a list or a
    `NumberedTexts`), or plain texts (index).
    """
    if isinstance(paragraphs, NumberedTexts):  # no search: a pass asks for every block
        before = paragraphs.text_before(block)
        return before is not None and carries_on(before)
    if paragraphs and isinstance(paragraphs[0], str):
        return 0 < block <= len(paragraphs) and carries_on(paragraphs[block - 1])
    index = bisect.bisect_left(paragraphs, block, key=block_number)
    return index > 0 and carries_on(paragraphs[index - 1][1])
