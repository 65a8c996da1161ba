"""The pure rules of inline suggestions."""

from __future__ import annotations

from desktop_app.inline.prompt import (
    WINDOW_MAX_CHARS,
    WINDOW_MIN_CHARS,
    build_prompt,
    choose_anchor,
    cut_at_clause,
    evaluate,
    finished_word,
    healing_prefix,
    is_finished,
    remainder,
    repeats_after,
    should_suggest,
)
from models.base import Piece


def test_when_to_suggest():
    assert should_suggest("It was a dark", "")
    assert should_suggest("It was a dark ", "")
    assert should_suggest("It was a dark,", "")
    assert should_suggest("It was a dark ", ".")
    assert not should_suggest("It was a dark ", "night")
    assert not should_suggest("", "")
    assert not should_suggest("First paragraph.\n", "")


def P(text, prob=0.9):
    return Piece(text, prob)


def test_trailing_space_is_stripped_and_must_come_from_the_model():
    prompt = build_prompt(0, 0, "The cat sat on the ")
    assert prompt.prompt == "The cat sat on the"
    assert prompt.typed == " "
    assert evaluate(prompt, [P(" mat"), P(" and"), P(" purred"), P(".")], 0.3) == (
        "done",
        "mat and purred.",
    )
    # The model continuing the finished word ("theory") does not fit after a typed space.
    assert evaluate(prompt, [P("ory"), P(" of")], 0.3) == ("stop", "")


def test_the_word_being_typed_is_healed():
    prompt = build_prompt(0, 0, "so much to tel")
    assert prompt.prompt == "so much to"
    assert prompt.typed == " tel"
    assert remainder(prompt, " te") == ""
    assert remainder(prompt, " tell you") == "l you"
    assert remainder(prompt, " say") is None
    assert evaluate(prompt, [P(" tell", 0.99)], 0.3) == ("wait", "")
    assert evaluate(prompt, [P(" tell", 0.99), P(" you", 0.8)], 0.3) == ("show", "l you")
    # Finishing the word is easy; the gate judges the word after it.
    assert evaluate(prompt, [P(" tell", 0.99), P(" you", 0.1)], 0.3) == ("stop", "")
    assert evaluate(prompt, [P(" sing")], 0.0) == ("stop", "")


def test_after_punctuation_nothing_is_healed():
    prompt = build_prompt(0, 0, "a good fortune,")
    assert prompt.prompt == "a good fortune,"
    assert prompt.typed == ""
    assert evaluate(prompt, [P(" must"), P(" be")], 0.3) == ("show", " must be")


def test_line_breaks_end_a_suggestion():
    prompt = build_prompt(0, 0, "The cat sat on the")
    assert evaluate(prompt, [P(" the"), P(" mat"), P("\n"), P("Next")], 0.3) == ("done", " mat")
    assert evaluate(prompt, [P(" the"), P("\n")], 0.3) == ("stop", "")


def test_a_finished_stream_that_only_completes_the_word_is_shown():
    prompt = build_prompt(0, 0, "in Hertfordsh")
    assert evaluate(prompt, [P(" Hertfordshire"), P(".")], 0.3, final=True) == ("done", "ire.")


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
    from desktop_app.inline.prompt import reaches_next_word

    mid = build_prompt(0, 0, "so much to tel")
    assert not reaches_next_word(mid, "l")
    assert not reaches_next_word(mid, "l,")
    assert reaches_next_word(mid, "l you")
    after_space = build_prompt(0, 0, "so much to tell ")
    assert reaches_next_word(after_space, "you")


def test_pieces_without_probabilities_are_not_shown_unless_vouched_for():
    # Some servers give no probabilities: a missing one used to count as 1.0, so the gate
    # showed every guess. Now nothing is shown unless other evidence vouches for it.
    from desktop_app.inline.prompt import build_prompt, evaluate
    from models.base import Piece

    request = build_prompt(0, 0, "She walked to the ")
    pieces = [Piece(" river", None), Piece(" and", None), Piece(" back", None)]
    assert evaluate(request, pieces, 0.33, final=True)[0] == "stop"
    shown = evaluate(request, pieces, 0.33, final=True, unscored=lambda text: True)
    assert shown[0] in ("show", "done") and shown[1].startswith("river")
    scored = [Piece(" river", 0.9), Piece(" and", 0.8), Piece(" back", 0.9)]
    assert evaluate(request, scored, 0.33, final=True)[0] in ("show", "done")


def test_the_prefix_to_heal_is_the_half_word_only():
    assert healing_prefix(build_prompt(0, 0, "It makes me won")) == " won"
    assert healing_prefix(build_prompt(0, 0, "It makes me ")) == ""  # the gate's free choice
    assert healing_prefix(build_prompt(0, 0, "It makes me")) == " me"  # it may still grow
    assert healing_prefix(build_prompt(0, 0, "It makes me,")) == ""


def test_a_finished_word_and_the_odds_of_exactly_that_word():
    prompt = build_prompt(0, 0, "I shall tell Eliz")
    # It ends between pieces: times the chance that the word stopped there.
    pieces = [Piece(" Eliz", 0.9), Piece("abeth", 0.8), Piece(" at", 0.1, break_prob=0.5)]
    rest, prob = finished_word(prompt, pieces)
    assert rest == "abeth" and abs(prob - 0.9 * 0.8 * 0.5) < 1e-9
    # It ends inside a piece: the piece's own odds.
    rest, prob = finished_word(prompt, [Piece(" Elizabeth,", 0.7)])
    assert rest == "abeth" and abs(prob - 0.7) < 1e-9
    # The possessive goes on with the word.
    assert (
        finished_word(
            prompt, [Piece(" Elizabeth", 0.7), Piece("'s", 0.5), Piece(".", 0.9, break_prob=0.9)]
        )[0]
        == "abeth's"
    )


def test_no_finished_word_where_the_pieces_cannot_say():
    prompt = build_prompt(0, 0, "I shall tell Eliz")
    assert finished_word(prompt, [Piece(" Elizabeth", 0.9)]) is None  # not ended yet
    assert (
        finished_word(prompt, [Piece(" Elizabeth", 0.9), Piece(" at", 0.2)]) is None
    )  # no break odds
    assert finished_word(prompt, [Piece(" Jane", 0.9), Piece(" at", 0.2, break_prob=0.9)]) is None
    assert finished_word(prompt, [Piece(" Elizabeth"), Piece(" at", break_prob=0.9)]) is None
    at_word_end = build_prompt(0, 0, "I shall tell ")
    assert (
        finished_word(at_word_end, [Piece(" Jane", 0.9), Piece(",", 0.9, break_prob=0.9)]) is None
    )
