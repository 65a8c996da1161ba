"""Split text into chunks that fit a model's context, keeping every separator for reassembly.

A chunk is whole paragraphs where possible. Each chunk keeps the exact whitespace before and after
it (`lead`, `trail`), and the paragraph separators inside it, so that
`reassemble(chunk_text(text, ...)) == text` for any text: a whole-document job that rewrites only
the bodies keeps the document's paragraph breaks. A paragraph too long for one chunk is split at
sentence boundaries, a sentence too long at word boundaries, and a word too long by characters.

Paragraphs are separated by blank lines when the text has any (plain-text files, where single
newlines are often just line wrapping); otherwise by single newlines (the editor's blocks).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

TokenCounter = Callable[[str], int]

# U+2029 is Qt's paragraph separator in QTextCursor.selectedText(); treat it as a newline. The
# atomic group keeps "\r\n" one newline, so Windows line endings are not read as blank lines.
_NEWLINE = r"(?>\r\n|[\n\r\u2028\u2029])"
_SPACE = r"[^\S\n\r\u2028\u2029]*"  # whitespace within a line
_BLANK_LINE = re.compile(_NEWLINE + _SPACE + _NEWLINE)
_BLANK_SEP = re.compile(r"\s*" + _NEWLINE + _SPACE + _NEWLINE + r"\s*")
_LINE_SEP = re.compile(r"\s*" + _NEWLINE + r"\s*")
# A sentence ends at . ! ? or … (with closing quotes/brackets) followed by whitespace.
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])[\"'\u201d\u2019)\]]*\s+")
_WORD_END = re.compile(r"\s+")


@dataclass(frozen=True)
class Chunk:
    """A run of text to process in one generation, with the whitespace that surrounds it."""

    lead: str  # whitespace before `body` (only the first chunk has any, usually)
    body: str  # the text to process; no leading or trailing whitespace
    trail: str  # whitespace after `body`, up to the next chunk (a paragraph separator)
    paragraphs: int  # whole or partial paragraphs in `body`
    # Separators between the paragraphs inside `body`, in order (len == paragraphs - 1 when the
    # body holds whole paragraphs). Used to put the breaks back when a model rewrites the body.
    inner_separators: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The chunk as it appears in the original, whitespace included."""
        return self.lead + self.body + self.trail


def split_paragraphs(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split `text` into `(lead, [(paragraph, separator_after), ...])`.

    `lead + "".join(p + s for p, s in parts) == text`. Paragraphs never start or end with
    whitespace; the last separator holds the text's trailing whitespace.
    """
    stripped = text.lstrip()
    lead = text[: len(text) - len(stripped)]
    if not stripped:
        return lead, []
    separator = _BLANK_SEP if _BLANK_LINE.search(stripped) else _LINE_SEP
    parts: list[tuple[str, str]] = []
    position = 0
    for match in separator.finditer(stripped):
        parts.append((stripped[position : match.start()], match.group()))
        position = match.end()
    rest = stripped[position:]
    if rest:  # otherwise the last separator was the text's trailing whitespace
        body = rest.rstrip()
        parts.append((body, rest[len(body) :]))
    return lead, parts


def _pieces(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split `text` after each match of `pattern`, keeping the matched whitespace on the left."""
    pieces, position = [], 0
    for match in pattern.finditer(text):
        if match.end() < len(text):
            pieces.append(text[position : match.end()])
            position = match.end()
    pieces.append(text[position:])
    return [p for p in pieces if p]


def _split_long(text: str, max_tokens: int, count: TokenCounter) -> list[str]:
    """Split one over-long paragraph into pieces that each fit, at the coarsest boundary possible.

    Pieces concatenate back to `text`; each keeps its trailing whitespace.
    """
    if len(text) <= 1 or count(text.strip()) <= max_tokens:
        return [text]
    for pattern in (_SENTENCE_END, _WORD_END):
        pieces = _pieces(text, pattern)
        if len(pieces) > 1:
            return _pack(pieces, max_tokens, count)
    # One huge "word" (a URL, a base64 blob): cut it by characters, halving until it fits.
    middle = max(1, len(text) // 2)
    return _split_long(text[:middle], max_tokens, count) + _split_long(
        text[middle:], max_tokens, count
    )


def _pack(pieces: Iterable[str], max_tokens: int, count: TokenCounter) -> list[str]:
    """Greedily join consecutive pieces while the joined text still fits."""
    out: list[str] = []
    current = ""
    for piece in pieces:
        if current and count((current + piece).strip()) <= max_tokens:
            current += piece
            continue
        if current:
            out.append(current)
        if count(piece.strip()) > max_tokens:
            # Too long on its own: split it further, keep its last part open for packing.
            *done, current = _split_long(piece, max_tokens, count)
            out.extend(done)
        else:
            current = piece
    if current:
        out.append(current)
    return out


def chunk_text(text: str, max_tokens: int, count_tokens: TokenCounter) -> list[Chunk]:
    """Split `text` into chunks whose bodies each take at most `max_tokens` tokens.

    Whole paragraphs are packed together while they fit. Whitespace-only text gives one chunk
    with an empty body (so reassembly still returns it). Raises `ValueError` if `max_tokens < 1`.
    """
    if max_tokens < 1:
        raise ValueError("max_tokens must be at least 1")
    lead, paragraphs = split_paragraphs(text)
    if not paragraphs:
        return [Chunk(lead=lead, body="", trail="", paragraphs=0)]

    chunks: list[Chunk] = []
    group: list[tuple[str, str]] = []  # whole paragraphs waiting to become one chunk

    def flush() -> None:
        nonlocal lead
        if not group:
            return
        body = "".join(p + s for p, s in group[:-1]) + group[-1][0]
        inner = tuple(s for _, s in group[:-1])
        chunks.append(Chunk(lead, body, group[-1][1], len(group), inner))
        lead = ""
        group.clear()

    for paragraph, separator in paragraphs:
        if count_tokens(paragraph) > max_tokens:
            flush()
            pieces = _split_long(paragraph, max_tokens, count_tokens)
            for index, piece in enumerate(pieces):
                body = piece.rstrip()
                trail = piece[len(body) :]
                if index == len(pieces) - 1:
                    trail += separator
                chunks.append(Chunk(lead, body, trail, 1))
                lead = ""
            continue
        candidate = [*group, (paragraph, separator)]
        joined = "".join(p + s for p, s in candidate[:-1]) + paragraph
        if group and count_tokens(joined) > max_tokens:
            flush()
        group.append((paragraph, separator))
    flush()
    return chunks


def reassemble(chunks: Sequence[Chunk], bodies: Sequence[str] | None = None) -> str:
    """Join chunks back into text, optionally with new `bodies` in place of the originals.

    With `bodies=None` this returns the original text exactly.
    """
    if bodies is None:
        return "".join(chunk.text for chunk in chunks)
    if len(bodies) != len(chunks):
        raise ValueError("one body per chunk is needed")
    return "".join(c.lead + b + c.trail for c, b in zip(chunks, bodies, strict=True))


def restore_breaks(chunk: Chunk, rewritten: str) -> str:
    """Give a rewritten multi-paragraph body the chunk's own paragraph separators.

    If the model kept the number of paragraphs, each break gets the original separator back;
    otherwise paragraphs are joined with the chunk's first separator (so a blank-line document
    stays blank-line separated). A single-paragraph chunk is returned unchanged.
    """
    if chunk.paragraphs < 2 or not chunk.inner_separators:
        return rewritten
    _, parts = split_paragraphs(rewritten)
    paragraphs = [p for p, _ in parts if p]
    if not paragraphs:
        return rewritten
    if len(paragraphs) == len(chunk.inner_separators) + 1:
        separators = [*chunk.inner_separators, ""]
    else:
        separators = [chunk.inner_separators[0]] * (len(paragraphs) - 1) + [""]
    return "".join(p + s for p, s in zip(paragraphs, separators, strict=True))


def count_paragraphs(text: str) -> int:
    """Paragraphs in `text`, by the same rule the chunker uses."""
    return len(split_paragraphs(text)[1])


# -- cheap progress: a proposal travels as what changed, never as the whole text each tick --
@dataclass(frozen=True)
class PartialUpdate:
    """One chunk's text: still streaming (`final=False`) or finished (`final=True`)."""

    chunk: int  # the chunk's index in the job's plan
    text: str  # the chunk's lead and output so far; when final, with its trailing separator
    final: bool = False


class PartialText:
    """The proposal so far, built from `PartialUpdate`s: finished chunks and the current tail."""

    def __init__(self) -> None:
        self._finished: list[str] = []
        self._finished_chars = 0
        self.tail = ""  # the streaming chunk's text as last reported

    @property
    def stable_chars(self) -> int:
        """Characters of finished chunks, which no later update changes."""
        return self._finished_chars

    def apply(self, update: PartialUpdate) -> tuple[int, str]:
        """Take `update`; returns (offset, text): the proposal from `offset` on is now `text`."""
        offset = self._finished_chars
        if update.final:
            self._finished.append(update.text)
            self._finished_chars += len(update.text)
            self.tail = ""
        else:
            self.tail = update.text
        return offset, update.text

    def text(self) -> str:
        """The whole proposal so far (joins on request only)."""
        return "".join(self._finished) + self.tail
