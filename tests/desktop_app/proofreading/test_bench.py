"""`inkling bench proofread`: seeding is deterministic and the figures are sound on real text."""

from __future__ import annotations

import argparse
import json

from desktop_app.bench import proofread as bench


def test_word_errors_is_a_word_level_edit_distance():
    assert bench.word_errors("the cat sat", "the cat sat") == 0
    assert bench.word_errors("the cat sat", "the the cat sat") == 1
    assert bench.word_errors("we don't know", "we dont know") == 1


def test_seeding_is_deterministic_and_one_error_per_paragraph():
    paragraphs = [
        f"Their house is over there and they're painting number {n} today." for n in range(8)
    ]
    first = bench.seed_document(paragraphs, 6, seed=3)
    assert first == bench.seed_document(paragraphs, 6, seed=3)
    seeded, where = first
    assert len(where) == 6
    for index, clean in enumerate(paragraphs):
        expected = 1 if index in where else 0
        assert bench.word_errors(clean, seeded[index]) == expected


def test_the_benchmark_runs_and_writes_json(tmp_path, capsys):
    text = tmp_path / "prose.txt"
    text.write_text(
        "\n\n".join(
            "The committee met on Tuesday and they're planning a new library for the town. "
            f"Their report, number {n}, will be ready next week, and it's going to be long."
            for n in range(12)
        ),
        encoding="utf-8",
    )
    out = tmp_path / "figures.json"
    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    assert (
        bench.run(parser.parse_args(["--text", str(text), "--seeded", "8", "--json", str(out)]))
        == 0
    )
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["seeded_errors"] == 8 and figures["sentences_dropped"] == 0
    assert figures["false_alarms"] == 0 and figures["paragraphs_made_worse"] == 0
    assert 0 < figures["net_error_reduction"] <= 1
    assert "not measured" in figures["gui_heartbeat_typing_20mb"]
    assert "false_alarms_per_1000_words" in capsys.readouterr().out
