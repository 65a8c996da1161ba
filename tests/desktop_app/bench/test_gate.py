"""`inkling bench gate`: the offline calibration of the inline confidence gate."""

import pytest

from desktop_app.bench.gate import Prompts, as_writer, session_figures, sweep
from desktop_app.bench.typing_script import pause_points, schedule
from models.base import Piece
from tests.desktop_app.bench.benchrun import run_bench


def test_pause_points_are_where_the_typing_replay_pauses():
    body = "It was a truth.\n\nA single man  in want"
    points = pause_points(body)
    assert [body[i] for i in points] == [" ", " ", " ", "\n", " ", " ", " ", " "]
    first_of_two = body.index("  ")
    assert first_of_two not in points and first_of_two + 1 in points  # the second one is
    steps = schedule(body, seed=3)
    assert {i for i, step in enumerate(steps) if step.delay_ms >= 300} == set(points)


class _TextModel:
    """A stand-in model for the sweep's bookkeeping: continues every prompt with the next three
    words of `truth` (or with `wrong` words), each at probability `prob`. The real model runs
    in the test below."""

    def __init__(self, truth: str, prob: float, wrong: str | None = None) -> None:
        self.truth, self.prob, self.wrong = truth, prob, wrong
        self.calls = 0

    def stream(self, request):
        self.calls += 1
        assert self.truth.startswith(request.prompt)
        words = self.truth[len(request.prompt) :].split()[:3]
        if self.wrong:
            words = [self.wrong] * 3
        return _Stream([Piece(" " + word, self.prob) for word in words])


class _Stream(list):
    def close(self) -> None:
        pass


CONTEXT = "The tide was out."
BODY = " She walked down to the sea and looked for shells in the sand by the rocks."


def test_a_right_model_leaves_the_writer_no_pause_to_count():
    model = _TextModel(CONTEXT + BODY, prob=0.9)
    rows = sweep(Prompts(model, CONTEXT, BODY, max_tokens=10), [0.5, 0.95])
    every, writer = rows[0]["every_pause"], rows[0]["as_writer"]
    assert every["pauses"] == len(pause_points(BODY)) == 16
    assert every["shown"] == every["correct"] == every["pauses"]
    # The writer takes every suggestion before pausing, so no pause is left to judge.
    assert writer["pauses"] < 3 and writer["correct"] == writer["shown"]
    assert rows[1]["every_pause"]["shown"] == 0  # every word at 0.9, under a 0.95 gate
    assert rows[1]["as_writer"]["pauses"] == 16


def test_the_session_gate_climbs_over_ignored_suggestions_and_is_compared_at_equal_coverage():
    from desktop_app.inline.session_gate import RAISE_BOUND, SessionGate

    model = _TextModel(CONTEXT + BODY, prob=0.45, wrong="banana")
    prompts = Prompts(model, CONTEXT, BODY, max_tokens=10)
    session = SessionGate()
    records = as_writer(prompts, 0.40, session)
    # Ignored after ignored: the threshold rose past the model's 0.45, and it fell silent.
    assert session.threshold(0.40) > 0.45 and session.offset <= RAISE_BOUND
    shown = [text for text, _word in records if text]
    assert 0 < len(shown) < len(records) and not records[-1][0]
    rows = sweep(prompts, [0.40, 0.50])  # fixed: all shown at 0.40, none at 0.50
    found = session_figures(prompts, 0.40, rows)
    assert found["shown"] == len(shown)
    assert found["fixed_precision_at_same_coverage"] == 0.0 and found["precision_gain"] == 0.0


def test_a_wrong_model_is_typed_past_at_every_pause():
    model = _TextModel(CONTEXT + BODY, prob=0.9, wrong="banana")
    rows = sweep(Prompts(model, CONTEXT, BODY, max_tokens=10), [0.5])
    every, writer = rows[0]["every_pause"], rows[0]["as_writer"]
    assert every == writer
    assert (every["pauses"], every["shown"], every["correct"]) == (16, 16, 0)
    assert every["precision"] == 0.0 and every["precision_ci95"][1] < 0.25
    # One call per prompt: the prompt stops before the word being typed, so every keystroke
    # of a word shares it, and the second view reuses what the first one asked.
    assert model.calls == 17


@pytest.mark.timeout(300)
def test_real_run_with_the_bundled_model(tmp_path):
    text = tmp_path / "text.txt"
    text.write_text(
        "The morning was cold and bright. She walked down to the harbour to watch the boats "
        "come in, as she did every day. The fishermen waved to her from the water, and she "
        "waved back, as she always did.\n",
        encoding="utf-8",
    )
    stdout, figures = run_bench(
        tmp_path / "gate.json",
        *("gate", "--text", str(text), "--chars", "200", "--start", "0"),
        *("--thresholds", "0,0.3,1.01", "--passage"),
        timeout=280,
    )
    assert "threshold" in stdout
    pauses = len(pause_points(text.read_text(encoding="utf-8")[:200]))
    for view in ("every_pause", "as_writer"):
        rows = [row[view] for row in figures["rows"]]
        assert rows[0]["pauses"] <= pauses
        shown = [row["shown"] for row in rows]
        # With no gate the model suggests somewhere; a stricter gate never shows more; no
        # probability exceeds 1.
        assert 0 < shown[0] <= rows[0]["pauses"]
        assert shown[0] >= shown[1] >= shown[2] == 0
        assert all(0 <= row["correct"] <= row["shown"] for row in rows)
    assert figures["rows"][0]["every_pause"]["pauses"] == pauses
    session = figures["session_gate"]  # the learning gate, from the engine's threshold
    assert 0 <= session["correct"] <= session["shown"] <= session["pauses"]
    assert "session gate" in stdout
    # 200 characters fit in one window: no earlier text, so no passage is put in front.
    passage = figures["passage"]
    assert passage["prompts_with_passage"] == 0 and passage["every_pause"]["pauses"] == pauses
