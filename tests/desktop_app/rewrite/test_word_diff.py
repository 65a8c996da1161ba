"""Word diff: runs rebuild both texts exactly and mark changes at word granularity."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.rewrite.word_diff import DELETE, EQUAL, INSERT, diff_words, tokenize


def sides(runs):
    original = "".join(t for op, t in runs if op in (EQUAL, DELETE))
    proposal = "".join(t for op, t in runs if op in (EQUAL, INSERT))
    return original, proposal


WORDY = st.lists(st.sampled_from([*"ab c,.!\n'", "don't", "é", "  "]), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(a=WORDY, b=WORDY)
def test_runs_rebuild_both_texts(a, b):
    runs = diff_words(a, b)
    assert sides(runs) == (a, b)
    assert all(text for _, text in runs)
    # Neighbouring runs never share an op (they would have been merged).
    assert all(x[0] != y[0] for x, y in zip(runs, runs[1:], strict=False))


def test_tokens_join_back():
    text = "Don't stop — it's 3.5 km,\n\tnow!"
    assert "".join(tokenize(text)) == text
    assert "Don't" in tokenize(text)


def test_changed_words_are_marked_not_whole_lines():
    runs = diff_words("Me and my team has been working.", "My team and I have been working.")
    assert (EQUAL, " been working.") in runs
    assert (DELETE, "has") in [(op, t.split()[-1]) for op, t in runs if op == DELETE]
    assert ("insert", "I have") in runs


def test_identical_texts_are_one_equal_run():
    assert diff_words("Same text.", "Same text.") == [(EQUAL, "Same text.")]
    assert diff_words("", "New.") == [(INSERT, "New.")]
    assert diff_words("Old.", "") == [(DELETE, "Old.")]


def test_a_space_between_two_changes_joins_them():
    runs = diff_words("the quick brown fox", "the slow red fox")
    assert runs == [(EQUAL, "the "), (DELETE, "quick brown"), (INSERT, "slow red"), (EQUAL, " fox")]


def test_more_tokens_than_stops_reading_at_the_limit():
    from desktop_app.rewrite.word_diff import more_tokens_than, tokenize

    text = "one two, three. " * 50
    count = len(tokenize(text))
    assert more_tokens_than(text, count - 1)
    assert not more_tokens_than(text, count)
    assert not more_tokens_than("short", 10)


def test_paragraphs_are_compared_pair_by_pair_and_unchanged_ones_stay_whole():
    kept = "The second paragraph stays exactly as it was, every word of it."
    original = "The first one has a few words too many in it.\n\n" + kept + "\n\nThe last one."
    proposal = "The first one has a few words.\n\n" + kept + "\n\nThe very last one."
    runs = diff_words(original, proposal)
    assert sides(runs) == (original, proposal)
    assert any(op == EQUAL and kept in text for op, text in runs)  # never cut into pieces
    assert [t for op, t in runs if op == INSERT] == [" very"]
