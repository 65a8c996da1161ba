"""The pure rules of inline suggestions."""

from __future__ import annotations

from desktop_app.inline_prompt import (
    WINDOW_MAX_CHARS,
    WINDOW_MIN_CHARS,
    build_prompt,
    choose_anchor,
    cut_at_clause,
    is_finished,
    repeats_after,
    shape_suggestion,
    should_suggest,
)


def test_when_to_suggest():
    assert should_suggest("It was a dark", "")
    assert should_suggest("It was a dark ", "")
    assert should_suggest("It was a dark,", "")
    assert should_suggest("It was a dark ", ".")
    assert not should_suggest("It was a dark ", "night")
    assert not should_suggest("", "")
    assert not should_suggest("First paragraph.\n", "")


def test_trailing_space_is_stripped_and_restored():
    prompt = build_prompt(0, 0, "The cat sat on the ")
    assert prompt.prompt == "The cat sat on the"
    assert prompt.stripped == " "
    assert shape_suggestion(prompt, " mat and purred.") == "mat and purred."
    # The model continuing the finished word ("theory") does not fit after a typed space.
    assert shape_suggestion(prompt, "ory of") is None


def test_without_trailing_space_the_suggestion_keeps_its_space():
    prompt = build_prompt(0, 0, "The cat sat on the")
    assert shape_suggestion(prompt, " mat, then") == " mat, then"
    assert shape_suggestion(prompt, " big soft mat, then") == " big soft mat,"
    assert shape_suggestion(prompt, "\nNew") is None
    assert shape_suggestion(prompt, "   ") is None


def test_cut_at_clause_or_sentence():
    assert cut_at_clause(" mat. Then the dog") == " mat."
    assert cut_at_clause(" mat and the hat") == " mat and the hat"
    assert cut_at_clause(" quickly; then") == " quickly;"
    assert is_finished(" mat.")
    assert not is_finished(" mat and")


def test_anchor_stays_while_typing_then_jumps_in_a_large_step():
    text = ("word " * 100 + "\n") * 10  # ten paragraphs of 501 characters
    cursor = len(text)
    anchor = choose_anchor(0, text, None, cursor)
    assert text[anchor - 1] == "\n"
    assert WINDOW_MIN_CHARS <= cursor - anchor <= WINDOW_MAX_CHARS
    longer = text + "more words here"
    assert choose_anchor(0, longer, anchor, len(longer)) == anchor
    far = text * 3
    jumped = choose_anchor(0, far, anchor, len(far))
    assert jumped > anchor + WINDOW_MIN_CHARS


def test_repeats_what_follows():
    assert repeats_after(".", ".")
    assert not repeats_after("mat.", "")


def test_reaches_next_word():
    from desktop_app.inline_prompt import reaches_next_word

    mid = build_prompt(0, 0, "so much to tel")
    assert not reaches_next_word(mid, "l")
    assert not reaches_next_word(mid, "l,")
    assert reaches_next_word(mid, "l you")
    after_space = build_prompt(0, 0, "so much to tell ")
    assert reaches_next_word(after_space, " you")
