"""Token healing: a generation kept to a prefix, on hand-made vocabularies and on real Gemma."""

from __future__ import annotations

import numpy as np
import pytest

from models.base import GenerationRequest, Priority
from models.local.healing import StepLogits, Vocabulary, begins_word_break
from models.local.model import LocalModel

PIECES = [b"", b" E", b" El", b" Eliz", b" Elizabeth", b" Eliza", b" Jane", b"abeth", b"z", b"a"]
PIECES += [b"Eliz", b",", b" ", b"'s", b"li", b"lizabeth", b"liza"]


def test_the_agreeing_tokens_are_starts_of_the_prefix_or_begin_with_it() -> None:
    vocabulary = Vocabulary(PIECES)
    agreeing = {PIECES[i] for i in vocabulary.agreeing(b" Eliz")}
    assert agreeing == {b" ", b" E", b" El", b" Eliz", b" Elizabeth", b" Eliza"}
    assert {PIECES[i] for i in vocabulary.agreeing(b"z")} == {b"z"}
    assert vocabulary.agreeing(b"q").size == 0


@pytest.mark.parametrize(
    ("piece", "breaks"),
    [
        (b" the", True),
        (b",", True),
        (b"\n", True),
        (b"", True),  # the end of the generation
        ("—".encode(), True),
        ("“".encode(), True),
        (b"abeth", False),
        (b"'s", False),
        ("’s".encode(), False),
        (b"-in-law", False),
        (b"7", False),
        ("é".encode(), False),
        ("\u0301".encode(), False),  # a combining accent goes on with its letter
        ("é".encode()[:1], False),  # half of a character goes on with what came before
    ],
)
def test_which_tokens_begin_a_new_word(piece: bytes, breaks: bool) -> None:
    assert begins_word_break(piece) is breaks


def test_the_mask_follows_the_prefix_token_by_token_then_lets_go() -> None:
    vocabulary = Vocabulary(PIECES)
    kept = []
    step = StepLogits(vocabulary, " Eliz", kept.append)
    scores = np.zeros(len(PIECES), dtype=np.float32)
    prompt = [5, 6, 7]  # three prompt tokens (ids do not matter here)
    first = step(np.array(prompt), scores.copy())
    assert {PIECES[i] for i in np.flatnonzero(np.isfinite(first))} == set(
        PIECES[i] for i in vocabulary.agreeing(b" Eliz")
    )
    assert kept[-1] is first  # the probabilities are taken after the mask
    sampled = [*prompt, PIECES.index(b" E")]
    after_e = step(np.array(sampled), scores.copy())
    assert {PIECES[i] for i in np.flatnonzero(np.isfinite(after_e))} == {
        b"li",
        b"lizabeth",
        b"liza",
    }
    sampled.append(PIECES.index(b"li"))
    after_li = step(np.array(sampled), scores.copy())
    assert {PIECES[i] for i in np.flatnonzero(np.isfinite(after_li))} == {b"z"}
    sampled.append(PIECES.index(b"z"))
    after_z = step(np.array(sampled), scores.copy())
    assert np.isfinite(after_z).all()  # the prefix is written: every token may follow


def test_a_prefix_no_token_agrees_with_is_let_go() -> None:
    step = StepLogits(Vocabulary(PIECES), "க", None)  # a script this vocabulary lacks
    scores = np.zeros(len(PIECES), dtype=np.float32)
    assert np.isfinite(step(np.array([1]), scores.copy())).all()


def test_without_a_prefix_nothing_is_masked() -> None:
    step = StepLogits(Vocabulary(PIECES), "", None)
    scores = np.arange(len(PIECES), dtype=np.float32)
    assert np.array_equal(step(np.array([1, 2]), scores.copy()), scores)


# ------------------------------------------------------------------------------ real Gemma
PROMPT = (
    "Elizabeth walked to the window. Elizabeth had not slept, and when her sister came in she "
    "found Elizabeth still dressed. Jane sat beside her and took her hand, and"
)


def _run(model: LocalModel, prefix: str = "", top_k: int = 0):
    request = GenerationRequest(
        prompt=PROMPT,
        max_tokens=6,
        want_probs=True,
        priority=Priority.REALTIME,
        prefix=prefix,
        top_k=top_k,
        stop=("\n",),
    )
    return list(model.stream(request))


def test_a_healed_generation_begins_with_the_prefix_and_its_odds_are_conditional(gemma) -> None:
    assert gemma.heals
    free = _run(gemma, top_k=3)
    # The constraint's processor changes nothing for a request without a prefix: the same
    # text, and the same odds as llama.cpp's own top choice.
    assert [p.text for p in _run(gemma, top_k=3)] == [p.text for p in free]
    assert free[0].prob == pytest.approx(free[0].alternatives[0][1], abs=1e-6)
    assert free[0].text == free[0].alternatives[0][0]
    for prefix in (" Eliz", " Ja", " qu", " xyl"):  # likely, plausible, unlikely, absurd
        pieces = _run(gemma, prefix, top_k=3)
        text = "".join(p.text for p in pieces)
        assert text.startswith(prefix), (prefix, text)
        # The first token's odds are shared among tokens that agree with the prefix only.
        alternatives = pieces[0].alternatives
        assert alternatives and sum(p for _t, p in alternatives) <= 1.0 + 1e-6
        for token, _prob in alternatives:
            assert prefix.startswith(token) or token.startswith(prefix), (prefix, token)
        assert all(0.0 <= p.prob <= 1.0 for p in pieces)
        assert all(0.0 <= p.break_prob <= 1.0 for p in pieces)
    # Keeping to a prefix renormalises over the tokens that agree with it, so each of them is
    # at least as likely as it was in the free generation.
    free_odds = dict(_run(gemma, top_k=50)[0].alternatives)
    healed = _run(gemma, " Eliz", top_k=3)[0].alternatives
    shared = [(token, prob) for token, prob in healed if token in free_odds]
    assert shared
    for token, prob in shared:
        assert prob >= free_odds[token] - 1e-9, token
