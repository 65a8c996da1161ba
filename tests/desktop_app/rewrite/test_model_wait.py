"""The rewrite path's Preferences are honoured: Creativity and Longest rewrite reach the model.

Real bundled rewrite model; the requests it is given are recorded on the way in.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from desktop_app.model_host import ModelHost
from desktop_app.rewrite.jobs import RewriteJob, run_job_sync
from desktop_app.rewrite.model_wait import RewriteModelProvider
from desktop_app.settings import ModelChoice, Settings, spec_for
from models.base import GenerationRequest, ModelError
from models.spec import ModelSpec

LOAD_MS = 60_000
TEXT = "hey so basically the meeting got moved to friday cuz the boss is sick, sorry lol."


@pytest.fixture
def host(qtbot):
    host = ModelHost(models_dir=Path(os.environ["INKLING_MODELS_DIR"]))
    yield host
    host.shutdown()


def _ready(qtbot, host: ModelHost, spec: ModelSpec):
    host.configure("rewrite", spec)
    qtbot.waitUntil(lambda: host.state("rewrite")[0] == "ready", timeout=LOAD_MS)
    model = host.model("rewrite")
    seen: list[GenerationRequest] = []
    real_stream = model.stream

    def recording(request):
        seen.append(request)
        return real_stream(request)

    model.stream = recording  # the real model, its requests recorded
    return seen


def test_creativity_and_longest_rewrite_reach_the_model(qtbot, host):
    choice = ModelChoice(kind="bundled", bundled_id="", max_tokens=6, temperature=0.8)
    seen = _ready(qtbot, host, spec_for(choice))
    provider = RewriteModelProvider(lambda: host, lambda: None)
    job = RewriteJob(action="formal", original=TEXT)
    with contextlib.suppress(ModelError):  # six tokens may well be too few for the guard
        run_job_sync(job, provider())
    first = seen[0]
    assert first.temperature == pytest.approx(0.8)  # the first attempt: the writer's choice
    assert all(r.max_tokens <= 6 for r in seen)  # never beyond the writer's cap
    assert job.stats.tokens <= 6 * len(seen)
    for retry in seen[1:]:  # a retry keeps its own, varied sampling
        assert retry.seed is not None


def test_the_defaults_keep_a_first_draft_greedy(qtbot, host):
    seen = _ready(qtbot, host, spec_for(Settings().rewrite))
    provider = RewriteModelProvider(lambda: host, lambda: None)
    run_job_sync(RewriteJob(action="formal", original=TEXT), provider())
    assert seen[0].temperature == 0.0 and seen[0].seed is None
    assert seen[0].max_tokens <= 512
