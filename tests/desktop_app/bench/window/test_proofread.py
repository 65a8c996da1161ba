"""The window benchmark of proofreading, tiny: every figure is there and underlines do come."""

from __future__ import annotations

from pathlib import Path

TEXT = (Path(__file__).resolve().parents[3] / "data" / "great-fire-nonfiction.txt").read_text(
    encoding="utf-8"
)


def test_window_figures_measure_underlines_and_the_heartbeat(qapp):
    from desktop_app.bench.window.proofread import window_figures

    figures = window_figures(TEXT, big_mb=0.3, pauses=2, typing_s=1.0)
    assert figures["linter_ready_s"] is not None
    assert figures["words_5000_checked_s"] is not None
    assert figures["underline_samples"] == "2 of 2"
    assert 0 < figures["underline_ms_p50"] <= figures["underline_ms_p95"]
    big = figures["big"]
    assert big["chars"] == 300_000 and big["blocks"] > 1000
    assert big["heartbeat_max_ms"] is not None and big["off"]["heartbeat_max_ms"] is not None
    shown, _of, typed = big["underline_samples"].partition(" of ")
    assert int(typed) >= 1 and int(shown) == int(typed)  # every sentence got its underline
