"""`inkling bench rewrite` end to end with tiny N: the real window, models and jobs, in a child."""

from __future__ import annotations

from tests.desktop_app.bench.benchrun import run_bench

PARAGRAPH = (
    "It was a bright cold morning in the town, and the market was already busy with people "
    "who had come from the farms around it to sell eggs, cheese and the last apples of the year, "
    "while children ran between the stalls and the old clock on the church struck eight."
)


def test_bench_rewrite_smoke(tmp_path):
    text = tmp_path / "story.txt"
    # Hard-wrapped paragraphs, as in a Project Gutenberg file; the bench unwraps them.
    wrapped = "\n".join(PARAGRAPH[i : i + 70] for i in range(0, len(PARAGRAPH), 70))
    text.write_text("\n\n".join([wrapped] * 6) + "\n", encoding="utf-8")
    stdout, figures = run_bench(
        tmp_path / "figures.json",
        *("rewrite", "--text", str(text), "--paragraphs", "1", "--actions", "concise"),
        *("--baseline-s", "1", "--min-words", "20"),
        timeout=170,
    )
    assert "Rewrite benchmark" in stdout
    for key in (
        "first_token_p50_ms",
        "first_token_p95_ms",
        "final_p50_ms",
        "final_p95_ms",
        "tokens_per_s",
        "heartbeat_max_ms",
        "inline_latency_p50_ms",
        "first_progress_max_ms",
    ):
        assert key in figures
    assert figures["done"] == 1 and figures["jobs"] == 1
    assert 0 < figures["first_token_p50_ms"] <= figures["final_p50_ms"]
    assert figures["tokens_per_s"] > 0
    assert figures["first_progress_max_ms"] < 1000
    assert figures["typed_chars"] > 0  # the writer typed while the job ran
    assert figures["actions"]["concise"]["done"] == 1
