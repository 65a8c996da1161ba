"""Alternatives for one place (Alt+] / Alt+[), asking now (Alt+\\), and why nothing is offered."""

from __future__ import annotations

import pytest

from desktop_app.inline.alternatives import WHY_PREFIX, candidates
from desktop_app.inline.document_model import DocumentModel
from desktop_app.inline.engine import SuggestionEngine
from desktop_app.inline.prompt import build_prompt
from desktop_app.paths import models_dir
from models.base import GenerationRequest, Piece
from tests.desktop_app.inline.test_engine import Doc, ScriptedModel

TOP = ((" mat", 0.6), (" rug", 0.2), (" floor", 0.1), (" mat", 0.05))


@pytest.fixture
def make_engine(qtbot):
    engines = []

    def make(model, doc):
        engine = SuggestionEngine(lambda: model, doc.context)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.shutdown()


def shown_and_settled(qtbot, engine, model):
    with qtbot.waitSignal(engine.shown, timeout=5000):
        engine.note_edit(1)
    qtbot.waitUntil(engine.idle, timeout=5000)


def test_alt_bracket_cycles_through_three_candidates_from_the_same_generation(qtbot, make_engine):
    model = ScriptedModel([Piece(" mat", 0.9, TOP), Piece(".", 0.9)])
    engine = make_engine(model, Doc("The cat sat on the "))
    shown_and_settled(qtbot, engine, model)
    calls = len(model.requests)
    states, texts = [], []
    engine.state_changed.connect(lambda state, message: states.append((state, message)))
    engine.suggestion_changed.connect(lambda _rev, text: texts.append(text))
    for _ in range(3):
        engine.cycle(1)
    assert [m for _s, m in states] == ["2/3", "3/3", "1/3"]
    assert [t.split()[0] for t in texts] == ["rug", "floor", "mat."]
    engine.cycle(-1)
    assert states[-1][1] == "3/3" and texts[-1].startswith("floor")
    assert len(model.requests) == calls  # no new generation for the alternatives


def test_candidates_complete_a_token_to_a_word_of_the_document():
    doc = DocumentModel("Elizabeth laughed. " * 5 + "Mr. Darcy bowed. " * 5)
    prompt = build_prompt(0, 0, "Then ")
    pieces = [Piece(" Mr", 0.5, ((" Mr", 0.5), (" Eliz", 0.3), (" 1843", 0.1)))]
    found = candidates(prompt, pieces, "Mr. Darcy", doc)
    assert found[0] == "Mr. Darcy"
    assert "Elizabeth" in found  # completed from the document
    assert all("1843" not in text for text in found)  # never a new fact


def test_ask_now_shows_what_the_gate_kept_back(qtbot, make_engine):
    model = ScriptedModel([Piece(" mat", 0.05), Piece(".", 0.9)])  # below the gate
    engine = make_engine(model, Doc("The cat sat on the "))
    engine.note_edit(1)
    qtbot.waitUntil(lambda: bool(model.requests) and engine.idle(), timeout=5000)
    assert engine._current is None
    with qtbot.waitSignal(engine.shown, timeout=5000):
        engine.ask_now()
    assert engine._current[1].startswith("mat")


def test_ask_now_says_why_nothing_is_offered(qtbot, make_engine):
    model = ScriptedModel([Piece(" x", 0.9)])
    engine = make_engine(model, Doc("Intro.\n```\nfor item in "))
    states = []
    engine.state_changed.connect(lambda state, message: states.append((state, message)))
    engine.ask_now()
    assert states[-1][0] == "idle" and states[-1][1].startswith(WHY_PREFIX)
    assert "code block" in states[-1][1]
    engine.set_enabled(False)
    engine.ask_now()
    assert "off" in states[-1][1]


@pytest.mark.timeout(240)
def test_the_local_model_reports_its_first_token_alternatives():
    from models.local.model import LocalModel
    from models.registry import bundled_path

    model = LocalModel(bundled_path("gemma-3-270m", models_dir()), n_ctx=512)
    try:
        request = GenerationRequest(
            prompt="The cat sat on the", max_tokens=3, want_probs=True, top_k=3
        )
        pieces = list(model.stream(request))
        first = pieces[0]
        assert len(first.alternatives) == 3
        probs = [p for _t, p in first.alternatives]
        assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1.0001
        assert first.text.startswith(first.alternatives[0][0])  # greedy = the likeliest
        assert all(not piece.alternatives for piece in pieces[1:])
    finally:
        model.close()
