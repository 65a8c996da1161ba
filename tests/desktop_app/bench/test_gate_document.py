"""The document-aware parts of `inkling bench gate`, on stand-in models (the real one runs in
test_gate.py)."""

from __future__ import annotations

from desktop_app.bench.gate import Prompts, figures
from desktop_app.bench.gate import as_writer as gate_as_writer
from desktop_app.bench.gate_document import DocumentAt, Policy, as_writer, measure, suggest
from desktop_app.inline.document_aware import FINISH_MIN_PROB
from desktop_app.inline.document_model import DocumentModel
from models.base import Piece


class _Stream(list):
    def close(self) -> None:
        pass


class _Model:
    """Continues every prompt with `words` (the same each time), each at `prob`."""

    def __init__(self, words: list[str], prob: float) -> None:
        self.words, self.prob = words, prob

    def stream(self, request):
        return _Stream([Piece(" " + word, self.prob) for word in self.words])


CONTEXT = "Elizabeth Bennet walked out. Elizabeth Bennet came back. Then Elizabeth Bennet sat.\n\n"
BODY = "She smiled, and Elizabeth Bennet laughed at Elizabeth Bennet in the glass."


def test_the_baseline_variant_is_the_gate_as_it_was():
    model = _Model(["and", "then"], prob=0.6)
    prompts = Prompts(model, CONTEXT, BODY, max_tokens=10)
    docs = DocumentAt(CONTEXT, BODY)
    records, _saved, _offers = as_writer(prompts, docs, 0.33, Policy())
    plain = figures([(shown, word) for shown, word, *_ in records])
    assert plain == figures(gate_as_writer(prompts, 0.33))


def test_names_and_phrases_come_from_the_document():
    model = _Model(["banana"], prob=0.1)  # never confident, never right
    prompts = Prompts(model, CONTEXT, BODY, max_tokens=10)
    docs = DocumentAt(CONTEXT, BODY)
    typed = BODY.index("Elizabeth") + len("Eliz")
    assert suggest(prompts, docs, typed, 0.33, Policy())[0] == ""
    shown, source = suggest(prompts, docs, typed, 0.33, Policy(words=True))
    assert (shown, source) == ("abeth", "word")
    typed = BODY.index("Bennet")
    assert suggest(prompts, docs, typed, 0.33, Policy(phrases=True)) == ("", "")  # the app's
    shown, source = suggest(prompts, docs, typed, 0.33, Policy(phrases=True, continue_phrases=True))
    assert shown.startswith("Bennet") and source == "phrase"
    result = measure(prompts, 0.33)
    variants = result["variants"]
    assert variants["model"]["as_writer"]["saved_ratio"] == 0
    for name in ("words", "continue", "all"):
        assert variants[name]["as_writer"]["saved_ratio"] > 0
    assert result["alternatives"] is None  # a stand-in model has no first-token top-k


def test_invented_facts_are_counted_and_filtered():
    context = "The fire began in a bakery on Pudding Lane.\n\n"
    body = "It burned for four days and the city was lost."
    model = _Model(["in", "1843"], prob=0.9)  # sure, and wrong: a year the text lacks
    prompts = Prompts(model, context, body, max_tokens=10)
    result = measure(prompts, 0.33)["variants"]
    assert result["model"]["every_pause"]["invented_shown"] > 0
    assert result["facts"]["every_pause"]["invented_shown"] == 0
    assert result["all"]["as_writer"]["invented_shown"] == 0
    assert result["facts"]["every_pause"]["shown"] < result["model"]["every_pause"]["shown"]
    # Cutting before the year keeps the first word ("in") where hiding loses it.
    assert result["facts_cut"]["every_pause"]["invented_shown"] == 0
    assert result["facts_cut"]["every_pause"]["shown"] > result["facts"]["every_pause"]["shown"]


def test_the_document_follows_the_typing_exactly():
    context = "Mr. Darcy came. He sat; he rose.\n\n"
    body = "Then Mr. Darcy left. It was 1.5 miles!\nA new line, and Darcy again."
    docs = DocumentAt(context, body)
    for typed in (0, 3, 9, 10, 20, 21, 33, len(body) - 5, len(body)):
        rebuilt = DocumentModel(context + body[:typed])
        assert docs.at(typed).export() == rebuilt.export(), typed
    assert docs.at(4).export() == DocumentModel(context + body[:4]).export()  # going back


class _HealingModel:
    """Kept to the half word: finishes it as `BODY` does, sure of it, unsure of what follows."""

    heals = True

    def __init__(self, body: str, prob: float) -> None:
        self.words = {w.strip(".,") for w in body.split()}
        self.prob = prob
        self.prefixes: list[str] = []

    def stream(self, request):
        self.prefixes.append(request.prefix)
        half = request.prefix.strip()
        whole = next((w for w in sorted(self.words) if w.startswith(half)), half) if half else "x"
        return _Stream([Piece(" " + whole, self.prob), Piece(" zz", 0.05, break_prob=0.9)])


def test_the_model_finishes_the_word_being_typed_when_it_is_sure_of_it():
    sure = _HealingModel(BODY, prob=0.99)  # 0.99 x 0.9 for the whole word
    result = measure(Prompts(sure, CONTEXT, BODY, max_tokens=10), 0.33)["variants"]
    assert result["model"]["as_writer"]["saved_ratio"] == 0  # the next word is never sure
    assert result["finish"]["as_writer"]["saved_ratio"] > 0
    assert result["finish"]["as_writer"]["saved_by_source"].keys() == {"finish"}
    offers = result["finish"]["as_writer"]["offers"]["finish"]
    assert 0 < offers["taken"] <= offers["shown"]
    assert " smil" in sure.prefixes  # asked with the half word
    unsure = _HealingModel(BODY, prob=0.9 * FINISH_MIN_PROB)  # x 0.9: under the threshold
    result = measure(Prompts(unsure, CONTEXT, BODY, max_tokens=10), 0.33)["variants"]
    assert result["finish"]["as_writer"]["saved_ratio"] == 0
