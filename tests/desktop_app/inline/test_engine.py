"""The suggestion engine: real model end to end, and its rules on a scripted model.

The scripted model makes timing-dependent rules (a stale result is never shown, a new edit
cancels the generation in flight) deterministic; the real bundled model proves the whole path.
"""

from __future__ import annotations

import threading

import pytest

from desktop_app.inline.engine import SuggestionContext, SuggestionEngine
from desktop_app.paths import models_dir
from models.base import GenerationRequest, Piece, Timings


class ScriptedStream:
    def __init__(self, pieces, gate: threading.Event | None):
        self._pieces = list(pieces)
        self._gate = gate
        self.timings = Timings()

    def __iter__(self):
        return self

    def __next__(self):
        if self._gate is not None:
            self._gate.wait(5)
        if not self._pieces:
            raise StopIteration
        return self._pieces.pop(0)

    def close(self):
        pass


class ScriptedModel:
    """Answers every prompt with the same pieces; can hold the first answer until released."""

    name = "scripted"
    context_tokens = 2048

    def __init__(self, pieces, hold_first: bool = False):
        self.pieces = pieces
        self.requests: list[GenerationRequest] = []
        self.release = threading.Event()
        self._hold = hold_first

    def count_tokens(self, text):
        return len(text) // 4

    def stream(self, request):
        self.requests.append(request)
        gate = self.release if self._hold and len(self.requests) == 1 else None
        return ScriptedStream(self.pieces, gate)

    def close(self):
        pass


class HealingModel(ScriptedModel):
    """A scripted model that says it keeps its text to `GenerationRequest.prefix`."""

    heals = True


class Doc:
    """A stand-in for the editor's text: what the context provider reads."""

    def __init__(self, text):
        self.text = text
        self.revision = 1

    def context(self):
        return SuggestionContext(self.revision, len(self.text), 0, self.text, "")


@pytest.fixture
def make_engine(qtbot):
    engines = []

    def make(model, doc):
        engine = SuggestionEngine(lambda: model, doc.context)
        engine.set_debounce(0)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.shutdown()


def edit_and_settle(qtbot, engine, revision: int, timeout: int = 5000) -> None:
    """Note an edit, wait for a suggestion to be shown, then for the engine to go idle."""
    with qtbot.waitSignal(engine.shown, timeout=timeout):
        engine.note_edit(revision)
    qtbot.waitUntil(engine.idle, timeout=timeout)


def test_scripted_suggestion_is_shown_with_spacing_restored(qtbot, make_engine):
    model = ScriptedModel([Piece(" mat", 0.9), Piece(" and", 0.8), Piece(".", 0.9)])
    doc = Doc("The cat sat on the ")
    engine = make_engine(model, doc)
    edit_and_settle(qtbot, engine, 1)
    assert model.requests[0].prompt == "The cat sat on the"
    assert engine._current[1] == "mat and."


def test_low_confidence_shows_nothing(qtbot, make_engine):
    model = ScriptedModel([Piece(" mat", 0.05), Piece(".", 0.9)])
    engine = make_engine(model, Doc("The cat sat on the"))
    shown = []
    engine.shown.connect(shown.append)
    engine.note_edit(1)
    qtbot.waitUntil(lambda: bool(model.requests) and engine.idle(), timeout=5000)
    qtbot.wait(50)
    assert shown == []


def test_stale_result_is_never_shown(qtbot, make_engine):
    model = ScriptedModel(
        [Piece(" the", 0.9), Piece(" mat", 0.9), Piece(".", 0.9)], hold_first=True
    )
    doc = Doc("The cat sat on the")
    engine = make_engine(model, doc)
    changes = []
    engine.suggestion_changed.connect(lambda rev, text: changes.append((rev, text)))
    engine.note_edit(1)
    qtbot.waitUntil(lambda: len(model.requests) == 1, timeout=5000)
    first = model.requests[0]
    doc.text += " big"  # a keystroke that needs another prompt, while the first is held
    doc.revision = 2
    engine.note_edit(2)
    qtbot.waitUntil(first.cancel.is_set, timeout=5000)
    model.release.set()
    qtbot.waitUntil(lambda: len(model.requests) >= 2 and engine.idle(), timeout=5000)
    qtbot.wait(50)
    assert all(rev == 2 for rev, text in changes if text)


def test_cache_answers_a_repeated_prefix_without_a_call(qtbot, make_engine):
    model = ScriptedModel([Piece(" the", 0.9), Piece(" mat", 0.9), Piece(".", 0.9)])
    doc = Doc("The cat sat on the")
    engine = make_engine(model, doc)
    edit_and_settle(qtbot, engine, 1)
    calls = len(model.requests)
    doc.revision = 3
    with qtbot.waitSignal(engine.shown, timeout=5000):
        engine.note_edit(3)  # same text, new revision (say, typed and deleted a letter)
    # Answered from the cache: the only other call is the prefetch of what follows.
    assert [r.prompt for r in model.requests].count("The cat sat on") == 1
    assert len(model.requests) <= calls + 1


def test_keystrokes_inside_a_word_share_one_call(qtbot, make_engine):
    model = ScriptedModel([Piece(" wonder", 0.9), Piece(" at", 0.9), Piece(" it", 0.9)])
    doc = Doc("It makes me w")
    engine = make_engine(model, doc)
    edit_and_settle(qtbot, engine, 1)
    assert engine._current[1] == "onder at it"
    for revision, letter in enumerate("ond", start=2):
        doc.text += letter
        doc.revision = revision
        engine.note_edit(revision)
        qtbot.waitUntil(engine.idle, timeout=5000)
    assert engine._current[1] == "er at it"
    assert [r.prompt for r in model.requests].count("It makes me") == 1


def _type(qtbot, engine, doc, letters: str) -> None:
    for letter in letters:
        doc.text += letter
        doc.revision += 1
        engine.note_edit(doc.revision)
        qtbot.waitUntil(engine.idle, timeout=5000)


def test_a_healing_model_answers_the_next_keystrokes_while_it_agrees(qtbot, make_engine):
    """A generation kept to " w" still serves " wo" and " won"; one that disagrees with what
    is typed next is asked again, kept to all of the half word."""
    model = HealingModel([Piece(" wonder", 0.9), Piece(" at", 0.9), Piece(" it", 0.9)])
    doc = Doc("It makes me w")
    engine = make_engine(model, doc)
    edit_and_settle(qtbot, engine, 1)
    _type(qtbot, engine, doc, "on")
    assert [r.prefix for r in model.requests if r.prompt == "It makes me"] == [" w"]
    assert engine._current[1] == "der at it"
    _type(qtbot, engine, doc, "k")  # "wonk": the generation no longer fits
    assert [r.prefix for r in model.requests if r.prompt == "It makes me"] == [" w", " wonk"]


def test_a_healing_model_is_asked_again_where_it_was_unsure(qtbot, make_engine):
    """Odds conditional on less of the word are judged strictly; where they fail the gate, the
    model is asked again with all of the half word, which may make it sure."""
    model = HealingModel([Piece(" wonder", 0.9), Piece(" at", 0.3), Piece(" it", 0.9)])
    doc = Doc("It makes me w")
    engine = make_engine(model, doc)
    engine.note_edit(1)
    qtbot.waitUntil(lambda: bool(model.requests) and engine.idle(), timeout=5000)
    _type(qtbot, engine, doc, "o")
    assert [r.prefix for r in model.requests if r.prompt == "It makes me"] == [" w", " wo"]
    assert engine._current is None
    model.pieces = [Piece(" wonder", 0.9), Piece(" at", 0.9)]  # sure, given "won"
    _type(qtbot, engine, doc, "n")
    assert [r.prefix for r in model.requests if r.prompt == "It makes me"][-1] == " won"
    assert engine._current[1] == "der at"
    doc.text = doc.text[:-1]  # the writer takes the "n" back: " wo" comes from the cache
    doc.revision += 1
    asked = len(model.requests)
    engine.note_edit(doc.revision)
    qtbot.waitUntil(engine.idle, timeout=5000)
    assert len(model.requests) == asked


def test_typing_through_keeps_the_rest_without_a_request(qtbot, make_engine):
    model = ScriptedModel([Piece(" the", 0.9), Piece(" mat", 0.9), Piece(" and", 0.9)])
    doc = Doc("The cat sat on the")
    engine = make_engine(model, doc)
    edit_and_settle(qtbot, engine, 1)
    calls = len(model.requests)
    # The controller does not report the typed-through keystroke as an ordinary edit.
    engine.note_typed_through(2, "mat and")
    qtbot.wait(50)
    assert len(model.requests) == calls
    assert engine._current[1] == "mat and"


@pytest.mark.timeout(240)
def test_real_bundled_model_suggests_a_continuation(qtbot, make_engine):
    from models.local.model import LocalModel
    from models.registry import bundled_path

    model = LocalModel(bundled_path("gemma-3-270m", models_dir()), n_ctx=1024)
    try:
        doc = Doc(
            "It is a truth universally acknowledged, that a single man in possession of a "
            "good fortune, must be in want of a"
        )
        engine = make_engine(model, doc)
        engine.min_first_prob = 0.0  # show whatever the model says
        texts = []
        engine.suggestion_changed.connect(lambda rev, text: texts.append(text))
        edit_and_settle(qtbot, engine, 1, timeout=60_000)
        assert texts and texts[-1].strip()
        assert texts[-1].startswith(" ")  # no trailing space in the prompt: the space is ours
    finally:
        model.close()


def test_mid_word_gate_judges_the_next_word(qtbot, make_engine):
    """Finishing the writer's word is easy; the gate looks at the word after it."""
    sure_then_unsure = ScriptedModel([Piece(" tell", 0.99), Piece(" you", 0.1), Piece(".", 0.9)])
    engine = make_engine(sure_then_unsure, Doc("I have so much to tel"))
    shown = []
    engine.shown.connect(shown.append)
    engine.note_edit(1)
    qtbot.waitUntil(lambda: bool(sure_then_unsure.requests) and engine.idle(), timeout=5000)
    qtbot.wait(50)
    assert shown == []
    sure = ScriptedModel([Piece(" tell", 0.99), Piece(" you", 0.8), Piece(".", 0.9)])
    engine = make_engine(sure, Doc("I have so much to tel"))
    edit_and_settle(qtbot, engine, 1)
    assert engine._current[1] == "l you."


def test_typing_through_a_word_boundary_checks_the_rest_again(qtbot, make_engine):
    """The kept rest is judged again at the next word: here the model is unsure of it."""
    model = ScriptedModel([Piece(" the", 0.9), Piece(" mat", 0.9), Piece(" and", 0.9)])
    doc = Doc("The cat sat on the")
    engine = make_engine(model, doc)
    edit_and_settle(qtbot, engine, 1)
    model.pieces = [Piece(" mat", 0.05), Piece(" and", 0.9)]  # the model's view after "the "
    doc.text += " "
    doc.revision = 2
    changes = []
    engine.suggestion_changed.connect(lambda rev, text: changes.append(text))
    engine.note_typed_through(2, "mat and", " ")
    qtbot.waitUntil(lambda: "" in changes, timeout=5000)
    assert engine._current is None


class FailingModel(ScriptedModel):
    """A model behind a server that is down: every request fails at once."""

    def stream(self, request):
        from models.base import ModelUnavailable

        self.requests.append(request)
        raise ModelUnavailable("Cannot reach 127.0.0.1:9 (connection refused).")


def test_a_failing_model_is_not_asked_again_at_every_word(qtbot, make_engine):
    model = FailingModel([])
    doc = Doc("The cat sat on the")
    engine = make_engine(model, doc)
    states = []
    engine.state_changed.connect(lambda state, message: states.append((state, message)))
    engine.note_edit(1)
    qtbot.waitUntil(lambda: "unavailable" in [s for s, _ in states], timeout=5000)
    assert len(model.requests) == 1
    assert "trying again in 1 s" in states[-1][1] and "connection refused" in states[-1][1]
    for revision in range(2, 12):  # the writer keeps typing within the second
        doc.text += " x"
        doc.revision = revision
        engine.note_edit(revision)
        qtbot.waitUntil(lambda r=revision: engine.idle(), timeout=5000)
    assert len(model.requests) == 1  # no new request for every word
    assert "trying again in" in states[-1][1]
    engine._backoff.retry_at = 0.0  # the wait is over (the clock is not the point of this test)
    engine.note_edit(12)
    qtbot.waitUntil(lambda: len(model.requests) == 2, timeout=5000)
    qtbot.waitUntil(lambda: "trying again in 2 s" in states[-1][1], timeout=5000)  # doubled
