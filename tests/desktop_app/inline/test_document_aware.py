"""Document-aware suggestions in the engine: fact safety, word completion, phrase blend, the
vouching of scoreless servers, quiet code blocks, and a status field that is never stale.

Deterministic rules run on the scripted model of `test_engine`; the last test runs the real
bundled Gemma over numeric nonfiction and counts what it would have invented.
"""

from __future__ import annotations

import pytest

from desktop_app.inline import document_aware
from desktop_app.inline.document_aware import quiet_here
from desktop_app.inline.document_model import DocumentModel
from desktop_app.inline.engine import SuggestionContext, SuggestionEngine
from desktop_app.inline.facts import introduces_new_fact
from desktop_app.paths import models_dir
from models.base import Piece
from tests.desktop_app.inline.test_engine import Doc, HealingModel, ScriptedModel

FIRE = (
    "The Great Fire of London began on a Sunday in a bakery on Pudding Lane.\n"
    "Samuel Pepys wrote about it in his diary. The flames spread quickly through the city.\n"
)


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


def settle(qtbot, engine, model, revision: int = 1) -> list[str]:
    """Note an edit and wait until the engine is done; the texts it asked to show."""
    shown: list[str] = []
    engine.suggestion_changed.connect(lambda _rev, text: shown.append(text))
    engine.note_edit(revision)
    qtbot.waitUntil(lambda: bool(model.requests) and engine.idle(), timeout=5000)
    qtbot.wait(20)
    return [text for text in shown if text]


def feed(qtbot, engine, text: str) -> None:
    engine.judge.feed.reset(text)
    qtbot.waitUntil(engine.judge.feed.settled, timeout=10_000)


def test_a_date_new_to_the_document_is_never_shown(qtbot, make_engine):
    model = ScriptedModel([Piece(" 2", 0.9), Piece(" September", 0.9), Piece(" 1843", 0.9)])
    doc = Doc(FIRE + "It began on ")
    engine = make_engine(model, doc)
    feed(qtbot, engine, doc.text)
    assert settle(qtbot, engine, model) == []


def test_a_suggestion_is_cut_before_the_new_fact(qtbot, make_engine):
    pieces = [Piece(" in", 0.9), Piece(" the", 0.9), Piece(" year", 0.9), Piece(" 1843", 0.9)]
    model = ScriptedModel(pieces)
    doc = Doc(FIRE + "It burned ")
    engine = make_engine(model, doc)
    feed(qtbot, engine, doc.text)
    shown = settle(qtbot, engine, model)
    assert shown and all("1843" not in text for text in shown)
    assert shown[-1].strip() == "in the year"


def test_a_date_the_document_has_is_shown(qtbot, make_engine):
    model = ScriptedModel([Piece(" 2", 0.9), Piece(" September", 0.9), Piece(" 1666", 0.9)])
    doc = Doc("It started on 2 September 1666 at night.\n" + FIRE + "It began on ")
    engine = make_engine(model, doc)
    feed(qtbot, engine, doc.text)
    shown = settle(qtbot, engine, model)
    assert shown and "1666" in shown[-1]


def test_a_word_being_typed_is_completed_from_the_document(qtbot, make_engine):
    text = "Elizabeth smiled. " * 6 + "Then Eliz"
    model = ScriptedModel([Piece(" Elk", 0.05), Piece(" ran", 0.05)])  # nothing confident
    doc = Doc(text)
    engine = make_engine(model, doc)
    feed(qtbot, engine, text)
    shown = settle(qtbot, engine, model)
    assert shown and shown[-1] == "abeth"
    assert engine.judge.source == "word"


def test_the_word_being_typed_is_finished_when_the_model_is_sure_of_it(qtbot, make_engine):
    """Sure of the word, unsure of what follows: the rest of the word alone is shown."""
    text = "She came in and sat by the wind"
    pieces = [Piece(" window", 0.9), Piece(" and", 0.1, break_prob=0.95)]
    model = HealingModel(pieces)
    engine = make_engine(model, Doc(text))
    feed(qtbot, engine, text)
    shown = settle(qtbot, engine, model)
    assert shown and shown[-1] == "ow"
    assert engine.judge.source == "finish"
    assert model.requests[-1].prefix == " wind"


def test_an_unsure_word_is_not_finished(qtbot, make_engine):
    text = "She came in and sat by the wind"
    pieces = [Piece(" window", 0.9), Piece(" and", 0.1, break_prob=0.5)]  # 0.45 in all
    model = HealingModel(pieces)
    engine = make_engine(model, Doc(text))
    feed(qtbot, engine, text)
    assert settle(qtbot, engine, model) == []


def test_a_finished_word_that_makes_a_new_fact_is_not_shown(qtbot, make_engine):
    """The writer typed "16"; "1643" is a year the document does not have."""
    text = FIRE + "It began in 16"
    model = HealingModel([Piece(" 1643", 0.9), Piece(".", 0.1, break_prob=0.95)])
    engine = make_engine(model, Doc(text))
    feed(qtbot, engine, text)
    assert settle(qtbot, engine, model) == []


def test_the_model_is_kept_when_it_agrees_with_the_document(qtbot, make_engine):
    text = "Elizabeth smiled. " * 6 + "Then Eliz"
    model = ScriptedModel([Piece(" Elizabeth", 0.9), Piece(" laughed", 0.9), Piece(".", 0.9)])
    doc = Doc(text)
    engine = make_engine(model, doc)
    feed(qtbot, engine, text)
    shown = settle(qtbot, engine, model)
    assert shown[-1] == "abeth laughed."
    assert engine.judge.source == "model"


def test_a_phrase_the_document_uses_lifts_an_unsure_word(qtbot, make_engine):
    history = "They walked to the old mill. " * 5 + "\n"
    pieces = [Piece(" mill", 0.25), Piece(" again", 0.9), Piece(".", 0.9)]
    model = ScriptedModel(pieces)
    doc = Doc(history + "At dawn they went back to the old ")
    engine = make_engine(model, doc)
    feed(qtbot, engine, doc.text)
    shown = settle(qtbot, engine, model)
    assert shown and shown[-1].startswith("mill")
    assert engine.judge.source == "blend"
    # The same unsure word without the document's phrase stays hidden.
    plain = ScriptedModel(pieces)
    other = make_engine(plain, Doc("At dawn they went back to the old "))
    feed(qtbot, other, "At dawn they went back to the old ")
    assert settle(qtbot, other, plain) == []


def test_a_scoreless_server_is_vouched_for_only_by_the_document(qtbot, make_engine):
    history = "They walked to the old mill. " * 5 + "\n"
    pieces = [Piece(" mill", None), Piece(".", None)]
    model = ScriptedModel(pieces)
    doc = Doc(history + "At dawn they went back to the old ")
    engine = make_engine(model, doc)
    feed(qtbot, engine, doc.text)
    assert settle(qtbot, engine, model)[-1].startswith("mill")
    other_model = ScriptedModel([Piece(" barn", None), Piece(".", None)])
    other = make_engine(other_model, Doc(doc.text))
    feed(qtbot, other, doc.text)
    shown = settle(qtbot, other, other_model)
    assert all("barn" not in text for text in shown)


@pytest.mark.parametrize(
    ("before_start", "before", "quiet"),
    [
        (0, "Some prose.\n```python\nx = ", True),
        (0, "Some prose.\n```python\nx = 1\n```\nAnd then the", False),
        (0, "---\ntitle: My", True),
        (0, "---\ntitle: My\n---\nIt was a dark and", False),
        (900, "---\ntitle: My", False),  # not the top of the document: a rule, not front matter
        (0, "It was a dark and", False),
    ],
)
def test_code_blocks_and_front_matter_are_quiet(before_start, before, quiet):
    assert quiet_here(before_start, before) is quiet


def test_no_request_inside_a_code_block(qtbot, make_engine):
    model = ScriptedModel([Piece(" the", 0.9)])
    doc = Doc("Intro.\n```\nfor item in")
    engine = make_engine(model, doc)
    engine.note_edit(1)
    qtbot.waitUntil(engine.idle, timeout=5000)
    qtbot.wait(50)
    assert model.requests == []


def test_shown_does_not_outlive_its_suggestion(qtbot, make_engine):
    model = ScriptedModel([Piece(" mat", 0.9), Piece(" and", 0.8), Piece(".", 0.9)])
    engine = make_engine(model, Doc("The cat sat on the "))
    states = []
    engine.state_changed.connect(lambda state, _message: states.append(state))
    assert settle(qtbot, engine, model)
    assert states[-1] == "shown"
    engine.dismiss()
    assert states[-1] == "idle"


def test_thinking_does_not_outlive_its_request(qtbot, make_engine):
    model = ScriptedModel([Piece(" mat", 0.9)], hold_first=True)
    engine = make_engine(model, Doc("The cat sat on the "))
    states = []
    engine.state_changed.connect(lambda state, _message: states.append(state))
    engine.note_edit(1)
    qtbot.waitUntil(lambda: states[-1:] == ["thinking"], timeout=5000)
    engine.dismiss()  # the request is cancelled: the field must not keep saying "thinking"
    assert states[-1] == "idle"
    model.release.set()


def test_ignored_suggestions_raise_the_session_threshold(qtbot, make_engine):
    model = ScriptedModel([Piece(" mat", 0.9), Piece(" and", 0.8), Piece(".", 0.9)])
    doc = Doc("The cat sat on the ")
    engine = make_engine(model, doc)
    start = engine.judge.session.threshold(engine.min_first_prob)
    for revision in range(1, 5):
        doc.revision = revision
        settle(qtbot, engine, model, revision)
        assert engine._current is not None
        engine.dismiss()  # ignored
    assert engine.judge.session.threshold(engine.min_first_prob) > start


@pytest.mark.timeout(300)
def test_real_model_invents_no_fact_in_numeric_nonfiction(qtbot, make_engine, monkeypatch):
    """Gemma on numeric nonfiction: whatever it shows brings in no number, date or name the
    document lacks (the override is switched off, so every such suggestion counts)."""
    from models.local.model import LocalModel
    from models.registry import bundled_path

    monkeypatch.setattr(document_aware, "FACT_OVERRIDE_PROB", 1.01)
    text = (
        "The Great Fire of London started in a bakery on Pudding Lane. It burned for four "
        "days. Thousands of houses were lost, and most of the medieval city was destroyed. "
        "The fire began on"
    )
    stops = [text[:i] for i in (60, 110, 150, len(text))] + [
        text + " a Sunday in",
        text + " a Sunday in the year",
        "In the year",
        "The population of London was about",
    ]
    model = LocalModel(bundled_path("gemma-3-270m", models_dir()), n_ctx=1024)
    try:
        doc = Doc(stops[0])
        engine = make_engine(model, doc)
        engine.min_first_prob = 0.05  # let it speak often: more chances to invent
        feed(qtbot, engine, text)
        shown: list[tuple[str, str]] = []
        engine.suggestion_changed.connect(
            lambda _rev, t: shown.append((doc.text, t)) if t else None
        )
        for revision, stop in enumerate(stops, start=1):
            doc.text, doc.revision = stop, revision
            engine.note_edit(revision)
            qtbot.waitUntil(engine.idle, timeout=60_000)
        window = DocumentModel(text + "\n" + "\n".join(stops))
        invented = [
            (before, t) for before, t in shown if introduces_new_fact(t, window, before=before)
        ]
        assert shown  # it did suggest something
        assert invented == []
    finally:
        engine.shutdown()
        model.close()


def test_the_context_type_is_still_exported_by_the_engine():
    assert SuggestionContext.__module__.endswith("prompt")
