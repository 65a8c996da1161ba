"""The job's warning lines: which paragraph, kept or not, and what a summary or continuation says."""

from __future__ import annotations

from desktop_app.rewrite.chunking import chunk_text
from desktop_app.rewrite.guard import GuardWarning
from desktop_app.rewrite.reports import (
    COMBINE,
    ChunkReport,
    job_warnings,
    kept_everything,
    paragraph_numbers,
)

DROPPED = GuardWarning("dropped", "1 sentence dropped", "reject", "It rained.")
NAME = GuardWarning("name_new", "a name is new: Sarah", "warn")


def _words(text: str) -> int:
    return len(text.split())


def test_paragraph_numbers_follow_the_text_and_pieces_of_one_paragraph_share_it():
    long = " ".join(f"Sentence {n} is here." for n in range(12))
    chunks = chunk_text(f"One two.\n\n{long}\n\nThree four.", 12, _words)
    numbers = paragraph_numbers(chunks)
    assert numbers[0] == 1 and numbers[-1] == 3
    assert set(numbers[1:-1]) == {2} and len(chunks) > 3


def test_lines_say_which_paragraph_and_whether_it_was_kept():
    reports = [
        ChunkReport(0, 1, (NAME,), False, 1),
        ChunkReport(1, 2, (DROPPED,), True, 2),
        ChunkReport(2, 3, (DROPPED,), True, 2, paragraphs=2),
    ]
    lines = job_warnings(reports, "formal", numbered=True)
    assert [w.message for w in lines] == [
        "Paragraph 1: a name is new: Sarah",
        "Paragraph 2 kept as it was: 1 sentence dropped",
        "Paragraphs 3–4 kept as they were: 1 sentence dropped",
    ]
    assert lines[1].detail == "It rained."
    assert not kept_everything(reports) and kept_everything(reports[1:])
    assert [w.message for w in job_warnings(reports[:1], "formal", numbered=False)] == [
        "A name is new: Sarah"
    ]


def test_summary_and_continuation_lines():
    left_out = job_warnings([ChunkReport(1, 4, (DROPPED,), True, 2)], "summarize", numbered=True)
    assert left_out[0].message.startswith("Part 2 (paragraph 4) left out of the summary")
    combined = job_warnings([ChunkReport(3, 1, (DROPPED,), True, 2, stage=COMBINE)], "summarize",
                            numbered=True)  # fmt: skip
    assert "3 part summaries could not be combined" in combined[0].message
    nothing = job_warnings([ChunkReport(0, 1, (DROPPED,), True, 2)], "continue", numbered=False)
    assert nothing[0].message.startswith("Nothing new to add")
