"""The typing benchmark's moving parts, and a short real run through the window."""

from __future__ import annotations

import pytest

from desktop_app.bench.typing_script import PAUSE_MS, first_word, prepare_text, schedule
from desktop_app.perf import percentile
from tests.desktop_app.bench.benchrun import run_bench


def test_prepare_text_unwraps_lines_and_keeps_paragraphs():
    raw = "It is a truth\nuniversally acknowledged.\n\n\nSecond  paragraph\nhere.\n"
    assert prepare_text(raw) == "It is a truth universally acknowledged.\n\nSecond paragraph here."


def test_schedule_is_human_and_repeatable():
    text = "One two three. Four five six seven eight nine ten."
    steps = schedule(text, seed=3)
    assert [s.char for s in steps] == list(text)
    assert steps == schedule(text, seed=3)
    within = [
        s.delay_ms
        for s, nxt in zip(steps, text[1:], strict=False)
        if s.char.isalpha() and nxt.isalpha()
    ]
    assert within and max(within) < PAUSE_MS
    assert any(s.delay_ms >= 900 for s in steps)  # some pauses are long enough to read


def test_percentile_and_first_word():
    assert percentile([], 0.5) is None
    assert percentile([10, 20, 30, 40], 0.5) == 25
    assert first_word("  mat, and") == "mat"
    assert first_word(", and so") == "and"
    assert first_word("don't stop") == "don't"


def test_wilson_interval_brackets_the_share_and_narrows_with_more_events():
    from desktop_app.bench.common import wilson_interval

    assert wilson_interval(0, 0) is None
    small = wilson_interval(15, 40)
    large = wilson_interval(150, 400)
    # Known value: 15 of 40 gives 0.242-0.530 (Wilson, z = 1.96).
    assert small == pytest.approx((0.242, 0.530), abs=0.001)
    assert large[0] < 0.375 < large[1]
    assert large[1] - large[0] < (small[1] - small[0]) / 2
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0


@pytest.mark.timeout(300)
def test_short_real_run_reports_every_figure(tmp_path):
    """A real replay of a few words into the real window with the bundled model."""
    text = tmp_path / "text.txt"
    text.write_text(
        "The morning was cold and bright. She walked down to the harbour to watch the boats "
        "come in, as she did every day.\n\nThe fishermen waved to her from the water, and she "
        "waved back.\n",
        encoding="utf-8",
    )
    stdout, figures = run_bench(
        tmp_path / "figures.json",
        *("typing", "--text", str(text), "--chars", "60", "--start", "0"),
        timeout=280,
    )
    for key in (
        "latency_p50_ms",
        "latency_p95_ms",
        "latency_max_ms",
        "raw_p50_ms",
        "app_raw_ratio",
        "raw_first_p50_ms",
        "app_raw_first_ratio",
        "coverage_every_point",
        "precision_every_point",
        "pauses",
        "coverage",
        "precision",
        "saved_chars",
        "heartbeat_p99_ms",
        "heartbeat_max_ms",
        "calls_per_pause",
        "peak_rss_mb",
    ):
        assert key in figures
    assert figures["pauses"] > 0
    assert figures["heartbeat_max_ms"] is not None
    low, high = figures["coverage_ci95"]
    assert low <= figures["coverage"] <= high
    assert figures["shown_at_pauses"] == round(figures["coverage"] * figures["pauses"])
    assert 0.0 <= figures["coverage"] <= 1.0
    # Points passed inside a taken suggestion had a right next word shown: they add to both.
    passed = figures["points_passed_in_takes"]
    assert figures["coverage_every_point"] == pytest.approx(
        (figures["shown_at_pauses"] + passed) / (figures["pauses"] + passed)
    )
    if figures["shown_at_pauses"]:
        assert figures["precision_every_point"] >= figures["precision"]
    assert "Typing benchmark" in stdout
