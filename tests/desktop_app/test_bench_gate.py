"""`inkling bench gate`: the offline calibration of the inline confidence gate."""

import json
import subprocess
import sys

import pytest

from desktop_app.bench.gate import sweep
from desktop_app.bench.typing import pause_points, schedule
from desktop_app.inline_prompt import InlinePrompt
from models.base import Piece


def test_pause_points_are_where_the_typing_replay_pauses():
    body = "It was a truth.\n\nA single man  in want"
    points = pause_points(body)
    assert [body[i] for i in points] == [" ", " ", " ", "\n", " ", " ", " ", " "]
    first_of_two = body.index("  ")
    assert first_of_two not in points and first_of_two + 1 in points  # the second one is
    steps = schedule(body, seed=3)
    assert {i for i, step in enumerate(steps) if step.delay_ms >= 300} == set(points)


def test_sweep_counts_shown_and_correct_first_words_per_threshold():
    def point(probability, suggestion, next_word):
        prompt = InlinePrompt(anchor=0, prompt="She walked", typed=" ")
        return prompt, [Piece(" " + suggestion, probability), Piece(" on", 0.9)], next_word

    points = [
        point(0.8, "down", "down"),  # confident and right
        point(0.5, "away,", "away"),  # right: punctuation around the word is ignored
        point(0.5, "home", "down"),  # wrong
        point(0.2, "slowly", "slowly"),  # right but under most gates
        (None, [], "The"),  # a new paragraph: no prompt, still a pause
    ]
    rows = {row["threshold"]: row for row in sweep(points, [0.1, 0.3, 0.6, 0.9])}
    assert (rows[0.1]["shown"], rows[0.1]["correct"]) == (4, 3)
    assert (rows[0.3]["shown"], rows[0.3]["correct"]) == (3, 2)
    assert (rows[0.6]["shown"], rows[0.6]["correct"]) == (1, 1)
    assert rows[0.9]["shown"] == 0 and rows[0.9]["precision"] == 0.0
    assert rows[0.3]["coverage"] == pytest.approx(3 / 5)
    assert rows[0.3]["precision"] == pytest.approx(2 / 3)
    low, high = rows[0.3]["precision_ci95"]
    assert low < 2 / 3 < high


@pytest.mark.timeout(300)
def test_real_run_with_the_bundled_model(tmp_path):
    text = tmp_path / "text.txt"
    text.write_text(
        "The morning was cold and bright. She walked down to the harbour to watch the boats "
        "come in, as she did every day. The fishermen waved to her from the water, and she "
        "waved back, as she always did.\n",
        encoding="utf-8",
    )
    out = tmp_path / "gate.json"
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "bench", "gate", "--text", str(text)]
        + ["--chars", "200", "--start", "0", "--thresholds", "0,0.3,1.01", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "threshold" in result.stdout
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["pauses"] == len(pause_points(text.read_text(encoding="utf-8")[:200]))
    shown = [row["shown"] for row in figures["rows"]]
    # With no gate the model suggests at most pauses; a stricter gate never shows more; no
    # probability exceeds 1.
    assert 0 < shown[0] <= figures["pauses"]
    assert shown[0] >= shown[1] >= shown[2] == 0
    assert all(0 <= row["correct"] <= row["shown"] for row in figures["rows"])
