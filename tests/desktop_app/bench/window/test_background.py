"""`inkling bench background` end to end with 2 chunks: the real window, models and job store."""

from __future__ import annotations

from tests.desktop_app.bench.benchrun import run_bench

PARAGRAPH = (
    "The fire began in a bakery on Pudding Lane shortly after midnight, and a strong east wind "
    "carried it from house to house along the narrow streets, where the timber buildings stood "
    "so close together that neighbours could shake hands from their upper windows."
)


def test_bench_background_smoke(tmp_path):
    text = tmp_path / "history.txt"
    text.write_text("\n\n".join([PARAGRAPH] * 3) + "\n", encoding="utf-8")
    stdout, figures = run_bench(
        tmp_path / "figures.json",
        *("background", "--text", str(text), "--paragraphs", "2"),
        timeout=300,
    )
    assert "idle speed-up" in stdout
    runs = {run["run"]: run for run in figures["runs"]}
    assert set(runs) == {
        "idle, one thread",
        "idle, both cores",
        "typing, one thread",
        "typing, both cores",
    }
    assert len({run["chunks"] for run in runs.values()}) == 1  # the same job each time
    for run in runs.values():
        assert run["state"] == "done" and run["chunks"] >= 1
        assert run["tokens"] > 0 and run["tokens_per_s"] > 0
        assert run["heartbeat_max_ms"] >= run["heartbeat_p99_ms"] >= 0
    assert runs["idle, one thread"]["two_thread_evals"] == 0  # held at one thread
    assert runs["idle, one thread"]["typed_words"] == 0
    assert runs["typing, one thread"]["typed_words"] > 0
    assert figures["idle_speed_up"] > 0
