"""The earlier passage for the prompt: the paragraph that names what the window names, chosen
only when the window moves (so the prefix cache holds between keystrokes)."""

from __future__ import annotations

from desktop_app.bench.gate import PassagePrompts
from desktop_app.inline.passage import MAX_PASSAGE_CHARS, earlier_passage, names_in

INTRO = (
    "Pemberley was a large, handsome stone building, standing well on rising ground, and "
    "backed by a ridge of high woody hills, where Mr. Darcy had lived since he was a boy."
)
OTHER = "The weather was fine all week, and the roads were dry enough for walking to town."


def test_names_are_capitalised_words_inside_a_sentence_or_after_a_title():
    text = "She met Mr. Darcy at Netherfield. Elizabeth laughed with Jane."
    assert names_in(text) == {"Darcy", "Netherfield", "Jane"}


def test_the_paragraph_sharing_the_windows_names_is_chosen():
    earlier = f"{OTHER}\n\n{INTRO}\n\n{OTHER}"
    assert earlier_passage(earlier, "They drove on, and soon saw Pemberley") == INTRO
    assert earlier_passage(earlier, "they talked of nothing at all") == ""
    assert earlier_passage(earlier, "and then they saw London") == ""
    long = (INTRO + " ") * 5
    assert len(earlier_passage(long, "they saw Pemberley again")) <= MAX_PASSAGE_CHARS


class _Recorder:
    def __init__(self) -> None:
        self.prompts: list[str] = []

    def stream(self, request):
        self.prompts.append(request.prompt)
        return _Stream()


class _Stream(list):
    def close(self) -> None:
        pass


def test_the_passage_stays_the_same_while_the_window_stays_put():
    filler = " ".join([OTHER] * 30)  # pushes the window past the introduction
    context = f"{INTRO}\n\n{filler}\n\nAt last they came in sight of Pemberley"
    body = " and she was glad of it, for the day was long."
    prompts = PassagePrompts(_Recorder(), context, body, max_tokens=4)
    shown = [prompts.at(typed)[0] for typed in range(1, len(body), 4)]
    with_passage = [p for p in shown if p is not None and p.prompt.startswith(INTRO)]
    assert with_passage and len(with_passage) == len([p for p in shown if p is not None])
    assert len({p.anchor for p in with_passage}) == 1  # one window, one passage
    assert prompts.with_passage == len(with_passage)
