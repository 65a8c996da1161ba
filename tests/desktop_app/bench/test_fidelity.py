"""`inkling bench fidelity`: its independent measures, and a tiny run with the real bundled model."""

from __future__ import annotations

from desktop_app.bench import fidelity_measures as fm
from desktop_app.bench.fidelity import pick_paragraphs
from tests.desktop_app.bench.benchrun import run_bench

SOURCE = (
    "The council approved 12 new parks on Tuesday. Residents in Leeds had asked for them for "
    "years. Work starts in the spring."
)


def test_retention_counts_sentences_whose_words_survive():
    assert fm.retention(SOURCE, SOURCE) == (3, 3)
    dropped = "The council approved 12 new parks on Tuesday. Work starts in the spring."
    assert fm.retention(SOURCE, dropped) == (2, 3)


def test_invented_and_lost_numbers_and_names():
    changed = SOURCE.replace("12", "400").replace("Leeds", "York")
    counts = fm.invented_and_lost(SOURCE, changed)
    assert counts == {
        "numbers_invented": 1,
        "numbers_lost": 1,
        "names_invented": 1,
        "names_lost": 1,
    }
    assert fm.invented_and_lost(SOURCE, SOURCE)["numbers_invented"] == 0
    assert fm.numbers("twelve parks and 1,000 trees") == {"12": 1, "1000": 1}


def test_markup_loops_and_restatement():
    assert fm.markup_leaks(SOURCE, f"<p>{SOURCE}</p>") == 2
    assert fm.markup_leaks("<b>bold</b> text", "<b>bold</b> text") == 0
    looped = SOURCE + " Work starts in the spring and the parks open in the spring. " * 3
    assert fm.loops(SOURCE, looped) and not fm.loops(SOURCE, SOURCE)
    assert fm.restated_share(SOURCE, "Residents in Leeds had asked for parks for years.") == 1.0


def test_seeded_errors_are_counted_and_a_perfect_fix_removes_them():
    clean = (
        "Their garden was larger than the neighbours expected, and the children played there "
        "every afternoon until the evening light faded behind the houses."
    )
    seeded = fm.seed_errors(clean, 3, seed=1)
    assert seeded.errors == 3 and seeded.text != clean
    assert fm.edit_distance(seeded.text, clean) >= 3
    assert fm.edit_distance(clean, clean) == 0
    assert fm.seed_errors(clean, 3, seed=1) == seeded  # deterministic


def test_paragraphs_are_unwrapped_and_spread_over_the_text():
    text = "\n\n".join(f"Paragraph {n} has\nsome words " + "more " * 50 for n in range(20))
    chosen = pick_paragraphs(text, 4, 40, 80)
    assert len(chosen) == 4 and all("\n" not in p for p in chosen)
    assert chosen[0].startswith("Paragraph 0") and not chosen[1].startswith("Paragraph 1 ")


def test_bench_fidelity_smoke(tmp_path):
    text = tmp_path / "prose.txt"
    text.write_text("\n\n".join([SOURCE + " " + SOURCE.replace("12", "twelve")] * 3) + "\n")
    _stdout, figures = run_bench(
        tmp_path / "figures.json",
        *("fidelity", "--text", str(text), "--paragraphs", "1", "--actions", "formal"),
        *("--min-words", "20"),
        timeout=300,
    )
    on, off = figures["actions"]["formal (guard on)"], figures["actions"]["formal (guard off)"]
    for figure in (on, off):
        assert figure["jobs"] == 1 and figure["failed_without_reason"] == 0
        assert 0.0 <= (figure["sentence_retention"] or 0.0) <= 1.0
        assert figure["seconds_per_paragraph"] > 0
    assert off["guard_retries"] == 0 and off["chunks_kept_original"] == 0
    assert on["unflagged_harm"] == 0  # whatever the model did, the writer was told
    assert figures["guard_ms_per_paragraph"]["max"] < 50
