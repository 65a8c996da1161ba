"""`inkling bench open` runs end to end on a small size and reports every figure."""

from __future__ import annotations

from desktop_app.bench.open_file import build_text
from tests.desktop_app.bench.benchrun import run_bench


def test_build_text_repeats_the_corpus_to_size(tmp_path):
    (tmp_path / "a.txt").write_text("Première ligne.\nSecond line.\n", encoding="utf-8")
    text = build_text(tmp_path, 0.01)
    size = len(text.encode("utf-8"))
    assert 0.009 * 2**20 < size <= 0.01 * 2**20
    assert text.endswith("\n") and text.startswith("Première ligne.\n")


def test_bench_open_reports_figures(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "book.txt").write_text("A line of prose, long enough to count.\n" * 50, "utf-8")
    stdout, figures = run_bench(
        tmp_path / "open.json",
        *("open", "--size-mb", "1.5", "--keys", "8", "--corpus", str(corpus)),
        timeout=120,
    )
    assert "open_ms" in stdout
    assert figures["counts_ok"] and figures["typed_ok"]
    assert figures["blocks"] > 30_000  # over a million characters: the sliced path ran
    for key in ("open_ms", "save_ms", "peak_rss_mb"):
        assert isinstance(figures[key], float) and figures[key] > 0, key
    for key in ("open_heartbeat_max_ms", "typing_heartbeat_max_ms", "pause_heartbeat_max_ms"):
        assert isinstance(figures[key], float) and figures[key] >= 0, key  # ticks were seen


def test_build_text_needs_no_files_by_default():
    text = build_text(None, 0.05)
    assert 0.045 * 2**20 <= len(text.encode("utf-8")) <= 0.05 * 2**20
    assert text.endswith("\n") and "\n\n" in text and len(text.split()) > 5000
