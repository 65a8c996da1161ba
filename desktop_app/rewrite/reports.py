"""What the guard found in each chunk of a job, and the lines the review panel shows for them.

A `ChunkReport` records one chunk's (or the combining stage's) warnings, how many attempts it
took and whether the original text stands in for the model's result. `job_warnings` turns the
reports into the job's own list: "Paragraph 3 kept as it was: 2 sentences dropped", "Paragraph
1: a name is new: Sarah", "Part 2 left out of the summary: …". Nothing here imports Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.rewrite.chunking import Chunk
from desktop_app.rewrite.guard import GuardWarning

CHUNK, COMBINE = "chunk", "combine"


@dataclass(frozen=True)
class ChunkReport:
    """One chunk's guard result: its warnings, its attempts, and whether it kept its original."""

    index: int  # the chunk's index in the job's plan (for COMBINE: the number of parts combined)
    paragraph_number: int  # 1-based number of the chunk's first paragraph in the job's text
    warnings: tuple[GuardWarning, ...]  # of the result used, or why no result was used
    kept_original: bool  # the model's result was rejected twice; the original stands
    attempts: int  # generations asked for (1, or 2 after a rejection)
    paragraphs: int = 1
    stage: str = CHUNK  # CHUNK, or COMBINE for a whole-document summary's second stage

    @property
    def retried(self) -> bool:
        """True when the first result was rejected and the model was asked again."""
        return self.attempts > 1


def paragraph_numbers(chunks: Sequence[Chunk]) -> list[int]:
    """The 1-based number of each chunk's first paragraph (pieces of a long paragraph share it)."""
    numbers, current = [], 1
    for index, chunk in enumerate(chunks):
        numbers.append(current)
        last = index == len(chunks) - 1
        # A piece of a split paragraph ends in plain spaces: the next piece continues it.
        ends_paragraph = last or any(c in chunk.trail for c in "\n\r\u2028\u2029")
        current += chunk.paragraphs if ends_paragraph else max(chunk.paragraphs - 1, 0)
    return numbers


def _where(report: ChunkReport) -> str:
    first, count = report.paragraph_number, max(report.paragraphs, 1)
    return f"Paragraph {first}" if count == 1 else f"Paragraphs {first}–{first + count - 1}"


def _reasons(report: ChunkReport) -> str:
    return "; ".join(w.message for w in report.warnings) or "the result was not usable"


def _detail(report: ChunkReport) -> str:
    return " / ".join(w.detail for w in report.warnings if w.detail)


def job_warnings(
    reports: Sequence[ChunkReport], action: str, *, numbered: bool
) -> list[GuardWarning]:
    """The job's warnings, one line each, in the order of the text.

    `numbered`: say which paragraph a warning is about (a job of more than one chunk).
    """
    lines: list[GuardWarning] = []
    for report in reports:
        if report.stage == COMBINE:
            if report.kept_original:
                message = (
                    f"The {report.index} part summaries could not be combined into one "
                    f"({_reasons(report)}); they are shown one after another"
                )
                lines.append(GuardWarning("not_combined", message, "warn", _detail(report)))
            else:
                lines += [
                    GuardWarning(w.code, f"The combined summary: {w.message}", w.severity, w.detail)
                    for w in report.warnings
                ]
            continue
        if report.kept_original:
            lines.append(_kept(report, action))
            continue
        for w in report.warnings:
            message = f"{_where(report)}: {w.message}" if numbered else _capital(w.message)
            lines.append(GuardWarning(w.code, message, w.severity, w.detail))
    return lines


def _kept(report: ChunkReport, action: str) -> GuardWarning:
    reasons, detail = _reasons(report), _detail(report)
    if action == "summarize":
        where = _where(report).lower()
        message = f"Part {report.index + 1} ({where}) left out of the summary: {reasons}"
        return GuardWarning("left_out", message, "warn", detail)
    if action == "continue":
        return GuardWarning("nothing_new", f"Nothing new to add: {reasons}", "warn", detail)
    verb = "kept as it was" if report.paragraphs <= 1 else "kept as they were"
    return GuardWarning("kept_original", f"{_where(report)} {verb}: {reasons}", "warn", detail)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def kept_everything(reports: Sequence[ChunkReport]) -> bool:
    """True when the job has chunk reports and every one of them kept its original text."""
    chunks = [r for r in reports if r.stage == CHUNK]
    return bool(chunks) and all(r.kept_original for r in chunks)
