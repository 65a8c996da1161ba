"""`run_job_sync` with the guard: retry once with other sampling, then keep the original; one summary.

Scripted fake models make the model's harm certain (a dropped sentence, a loop, a restatement);
the real-model job tests are in `test_jobs.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from desktop_app.rewrite.jobs import JobProgress, RewriteJob, run_job_sync
from models.base import GenerationRequest, ModelError, Piece

_TEXT_TAG = re.compile(r"<text>\n?(.*?)\n?</text>", re.S)

FIRST = (
    "The committee met on Tuesday to review the budget for the new library. It approved 12 "
    "new reading rooms and a larger children's section. The mayor thanked the volunteers who "
    "had raised the money over two years."
)
SECOND = (
    "Construction will begin in the spring and should take about eighteen months. The old "
    "building stays open until the new one is ready, so readers lose no days of service."
)
THIRD = (
    "Residents can see the plans at the town hall every weekday. Comments sent before the end "
    "of the month will be read by the architects before the design is final."
)


class _Stream(list):
    def close(self) -> None:
        pass


class ScriptedModel:
    """Answers each request with `reply(body, request)`, one word per piece; records requests."""

    name = "scripted"
    context_tokens = 2048

    def __init__(self, reply: Callable[[str, GenerationRequest], str], tokens_per_word=1):
        self.reply = reply
        self.requests: list[tuple[str, GenerationRequest]] = []
        self._per_word = tokens_per_word

    def count_tokens(self, text: str) -> int:
        return len(text.split()) * self._per_word

    def stream(self, request: GenerationRequest):
        body = _TEXT_TAG.search(request.messages[-1]["content"]).group(1).strip()
        self.requests.append((body, request))
        words = self.reply(body, request).split(" ")
        return _Stream([Piece(w if i == 0 else " " + w) for i, w in enumerate(words)])

    def close(self) -> None:
        pass


def _drop_last_sentence(body: str, _request) -> str:
    return body.rsplit(". ", 1)[0] + "."


def test_a_dropped_sentence_is_retried_once_with_another_seed_then_the_original_kept():
    model = ScriptedModel(_drop_last_sentence)
    job = RewriteJob("concise", FIRST)
    progress: list[JobProgress] = []
    result = run_job_sync(job, model, on_progress=progress.append)

    assert result == FIRST  # the writer's text stands
    first, second = (request for _, request in model.requests)
    assert len(model.requests) == 2  # one retry, no more
    assert first.temperature == 0.0 and first.seed is None
    assert second.temperature > 0 and second.seed is not None
    (report,) = job.reports
    assert report.kept_original and report.attempts == 2
    assert "dropped" in [w.code for w in report.warnings]
    assert any("retrying: 1 sentence dropped" in p.stage.lower() for p in progress)
    assert job.kept_everything
    assert len(job.warnings) == 1
    assert job.warnings[0].message.startswith("Paragraph 1 kept as it was: 1 sentence dropped")
    assert "mayor thanked" in job.warnings[0].detail


def test_a_good_second_attempt_is_used_and_reported():
    replies = iter([_drop_last_sentence(FIRST, None), FIRST.replace("Tuesday", "Tuesday,")])
    model = ScriptedModel(lambda body, request: next(replies))
    job = RewriteJob("grammar", FIRST)
    result = run_job_sync(job, model)
    assert result == FIRST.replace("Tuesday", "Tuesday,")
    (report,) = job.reports
    assert not report.kept_original and report.attempts == 2 and report.retried
    assert not job.kept_everything


def test_a_loop_is_caught_and_only_that_paragraph_keeps_its_original():
    loop = " ".join(["The mayor thanked the volunteers for the money."] * 6)

    def reply(body: str, _request) -> str:
        return loop if body == SECOND else body

    model = ScriptedModel(reply, tokens_per_word=2)  # one paragraph per chunk
    text = f"{FIRST}\n\n{SECOND}\n\n{THIRD}"
    job = RewriteJob("formal", text)
    result = run_job_sync(job, model)
    assert len(job.chunks) == 3
    assert result == text  # the two faithful ones are their own text; the loop was held back
    kept = [r for r in job.reports if r.kept_original]
    assert [r.paragraph_number for r in kept] == [2]
    # The stream is cut where it starts to go round; what is left loses the paragraph's facts.
    assert kept[0].warnings and kept[0].attempts == 2
    assert "mayor thanked the volunteers" not in result.split("\n\n")[1]
    assert [w.message.split(":")[0] for w in job.warnings if w.code == "kept_original"] == [
        "Paragraph 2 kept as it was"
    ]


def test_a_multi_chunk_summary_is_one_summary_made_in_two_stages():
    summaries = {
        FIRST: "The committee approved 12 reading rooms for the new library.",
        SECOND: "Building starts in spring and the old library stays open.",
        THIRD: "The plans can be seen at the town hall.",
    }
    combined = "The committee approved 12 reading rooms; building starts in spring."

    def reply(body: str, _request) -> str:
        return summaries.get(body, combined)

    model = ScriptedModel(reply, tokens_per_word=8)  # summaries read ~450 tokens: one per chunk
    text = f"{FIRST}\n\n{SECOND}\n\n{THIRD}\n"
    job = RewriteJob("summarize", text)
    progress: list[JobProgress] = []
    result = run_job_sync(job, model, on_progress=progress.append)

    assert len(job.chunks) == 3
    assert result == combined + "\n"  # one summary, not one per part
    stages = [p.stage for p in progress]
    assert any(s.startswith("Summarizing part 2 of 3") for s in stages), stages
    assert any(s.startswith("Combining 3 summaries") for s in stages), stages
    # The second stage read the part summaries, not the document.
    last_body = model.requests[-1][0]
    assert all(s in last_body for s in summaries.values())
    assert progress[-1].fraction == 1.0
    # The combined summary says nothing of the third part: the writer is told.
    assert [w.message for w in job.warnings] == ["The combined summary: it leaves out part 3 of 3"]


def test_a_single_chunk_summary_stays_one_stage():
    model = ScriptedModel(lambda body, _r: "The committee approved 12 new reading rooms.")
    job = RewriteJob("summarize", FIRST)
    progress: list[JobProgress] = []
    run_job_sync(job, model, on_progress=progress.append)
    assert len(model.requests) == 1
    assert not any("Combining" in p.stage for p in progress)


def test_a_summary_part_that_fails_is_left_out_never_pasted_in():
    def reply(body: str, _request) -> str:
        if body == SECOND:
            return "Construction takes 400 months."  # a number the text does not have
        return "The committee approved 12 reading rooms."

    model = ScriptedModel(reply, tokens_per_word=8)
    job = RewriteJob("summarize", f"{FIRST}\n\n{SECOND}")
    result = run_job_sync(job, model)
    assert SECOND not in result and "400" not in result
    assert any(w.code == "left_out" and "Part 2" in w.message for w in job.warnings)


def test_continue_that_only_restates_gives_a_reason_not_a_restatement():
    model = ScriptedModel(lambda body, _r: body.split(". ")[1] + ".")
    job = RewriteJob("continue", FIRST)
    with pytest.raises(ModelError, match="(?i)nothing new to add"):
        run_job_sync(job, model)
    assert len(model.requests) == 2
    assert job.result is None and "Nothing new to add" in (job.error or "")


def test_try_again_drafts_sample_with_their_own_seeds():
    model = ScriptedModel(lambda body, _r: body)
    first, second = RewriteJob("formal", FIRST), RewriteJob("formal", FIRST, draft=2)
    run_job_sync(first, model)
    run_job_sync(second, model)
    (_, greedy), (_, sampled) = model.requests
    assert greedy.temperature == 0.0 and greedy.seed is None
    assert sampled.temperature > 0 and sampled.seed is not None


def test_without_the_guard_nothing_is_checked_or_retried():
    model = ScriptedModel(_drop_last_sentence)
    job = RewriteJob("concise", FIRST)
    result = run_job_sync(job, model, guard=False)
    assert result == _drop_last_sentence(FIRST, None)
    assert len(model.requests) == 1 and job.warnings == []


def test_a_continuation_cut_off_by_its_budget_ends_at_its_last_whole_sentence():
    new = (
        "The architects will answer every letter in the spring. A second meeting is planned for "
        "the families who cannot come on a weekday, and"
    )
    model = ScriptedModel(lambda body, _r: new)
    job = RewriteJob("continue", FIRST)
    result = run_job_sync(job, model)
    assert result == "The architects will answer every letter in the spring."
    assert len(model.requests) == 1 and not job.kept_everything
