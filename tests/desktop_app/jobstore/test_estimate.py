"""Time estimates come from measured rates, say when they are a guess, and warn past 10 minutes."""

from __future__ import annotations

from desktop_app.jobstore.estimate import (
    LONG_JOB_S,
    RateBook,
    long_job_warning,
    plain_duration,
)


def test_plain_durations_are_rounded_words():
    assert plain_duration(10) == "under a minute"
    assert plain_duration(240) == "about 4 minutes"
    assert plain_duration(61) == "about 1 minute"
    assert plain_duration(4800).startswith("about 1 hour 20")


def test_rates_are_learned_per_model_and_kept_across_restarts(tmp_path):
    book = RateBook.load(tmp_path / "rates.json")
    guess = book.estimate("smol", "grammar", 4000)
    assert not guess.measured
    assert not book.learn("smol", "grammar", 40, 3, 0.1)  # too little to count
    assert book.learn("smol", "grammar", 4000, 1000, 20.0)  # 50 tokens/s, 0.25 tokens/char
    measured = book.estimate("smol", "grammar", 8000)
    assert measured.measured and measured.tokens_per_s == 50.0
    assert abs(measured.seconds - 40.0) < 1e-6  # 8000 chars x 0.25 / 50
    book.save()
    again = RateBook.load(tmp_path / "rates.json")
    assert again.tokens_per_s("smol") == 50.0 and again.tokens_per_s("other") is None
    # While running: the job's own rate so far decides the time left.
    assert again.time_left("grammar", 4000, 100, 10.0) == 100.0  # 1000 tokens at 10/s
    assert again.time_left("grammar", 4000, 3, 0.2) is None


def test_a_long_job_warns_and_says_what_another_model_would_change(tmp_path):
    book = RateBook(None)
    book.learn("smol", "grammar", 4000, 1000, 100.0)  # 10 tokens/s
    estimate = book.estimate("smol", "grammar", 40_000)
    assert estimate.long and estimate.seconds > LONG_JOB_S
    text = long_job_warning(estimate, "smol")
    assert "about 17 minutes" in text and "10 tokens/s" in text
    assert "larger local model" in text and "remote model" in text
    assert not book.estimate("smol", "grammar", 4000).long


def test_an_unreadable_rates_file_starts_afresh(tmp_path):
    path = tmp_path / "rates.json"
    path.write_text("{not json", encoding="utf-8")
    assert RateBook.load(path).tokens_per_s("smol") is None
