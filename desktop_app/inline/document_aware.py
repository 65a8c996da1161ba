"""The inline gate's verdict, made aware of the document (the rules `bench gate` measures).

`DocumentAware.evaluate` is `prompt.evaluate` plus four things, in this order:

- the session's own threshold (`SessionGate`) instead of the calibrated one;
- inside a word, when the model is not sure of what follows the word but is sure of the word
  itself (`finished_word`, at least FINISH_MIN_PROB), the rest of the word alone is shown;
- when the model has nothing confident: its first word is still shown when its probability,
  blended with the document's share of that word after the same words (`blend`), passes the
  gate; else, inside a word of 3+ letters, the word is completed from the document's
  vocabulary ("Eliz" → "Elizabeth");
- fact safety: what is shown is cut just before the first number, date or name that neither
  the document nor the prompt window has (`fact_free_prefix`); FACT_OVERRIDE_PROB, the model
  confidence that would let one through, is set so that none does;
- a model without probabilities is vouched for only where the document continues the phrase
  with the model's word.

And `quiet_here` keeps prose suggestions out of Markdown code blocks and front matter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from desktop_app.inline.document_counts import BOUNDARY, TOKEN, number_core
from desktop_app.inline.document_feed import DocumentFeed
from desktop_app.inline.document_model import DocumentModel, blend
from desktop_app.inline.facts import FACT_OVERRIDE_PROB, fact_free_prefix
from desktop_app.inline.prompt import (
    InlinePrompt,
    evaluate,
    finished_word,
    reaches_next_word,
    remainder,
)
from desktop_app.inline.session_gate import SessionGate
from models.base import Piece

CONTEXT_CHARS = 300  # the document model's lookups only need the last few words
# The model's probability of the whole word being typed, given its typed start, for the word's
# rest to be shown alone. Chosen with `inkling bench gate --chars 2500 --finish-threshold P`
# on held-out Austen (from offset 300000), `finish` variant: saved_ratio 0.305 at 0.5, 0.285
# at 0.6 (141 of its 170 offers taken), 0.262 at 0.7, against 0.161 for the model alone.
FINISH_MIN_PROB = 0.6
FINISH_MIN_CHARS = 2  # a one-letter rest saves nothing: taking it costs a key too
VOUCH_SHARE = 0.5  # a scoreless suggestion passes where the document goes on this way this often
VOUCH_COUNT = 2
_FENCE = re.compile(r"^[ \t]{0,3}(?:```|~~~)", re.MULTILINE)


def quiet_here(before_start: int, before: str) -> bool:
    """True inside a Markdown code block (an odd number of fences before the cursor in the
    text at hand) or inside front matter (a "---" first line not yet closed)."""
    front = before_start == 0 and before.startswith("---\n")  # closed by "---" or "..."
    if front and not re.search(r"\n(?:---|\.\.\.)[ \t]*\n", before[3:]):
        return True
    return len(_FENCE.findall(before)) % 2 == 1


class WindowFacts:
    """The document model, plus what the prompt window says (text the feed may not have
    counted yet: the writer typed it a moment ago)."""

    def __init__(self, model: DocumentModel, window: str) -> None:
        self._model = model
        words = TOKEN.findall(window)
        self._words = frozenset(words)
        self._numbers = frozenset(c for w in words if (c := number_core(w)) is not None)

    def contains(self, word: str) -> bool:
        return word in self._words or self._model.contains(word)

    def has_number(self, core: str) -> bool:
        return core in self._numbers or self._model.has_number(core)


def gate_prob(prompt: InlinePrompt, pieces: Sequence[Piece]) -> float | None:
    """The joint probability the gate judges (None: no probabilities, or the model disagrees
    with what was typed)."""
    generated, joint, scored = "", 1.0, False
    for piece in pieces:
        generated += piece.text
        if piece.prob is not None:
            joint, scored = joint * piece.prob, True
        rest = remainder(prompt, generated)
        if rest is None:
            return None
        if reaches_next_word(prompt, rest):
            break
    return joint if scored and generated.strip() else None


def judged_word(prompt: InlinePrompt, text: str) -> tuple[str, str, bool] | None:
    """(text before it, the word the gate judges in suggestion `text`, whether the word may
    still grow): the first word at a word's end, the one after the word being typed inside."""
    combined = prompt.typed + text
    words = [m for m in TOKEN.finditer(combined) if m.group(0) not in BOUNDARY]
    index = 1 if prompt.typed.strip() else 0
    if len(words) <= index:
        return None
    match = words[index]
    base = prompt.prompt[-CONTEXT_CHARS:] + combined[: match.start()]
    return base, match.group(0), match.end() == len(combined)


def finish(prompt: InlinePrompt, pieces: Sequence[Piece], min_prob: float) -> str:
    """The rest of the word being typed, when the model is at least `min_prob` sure of it
    and it is long enough to be worth a key ("" otherwise)."""
    found = finished_word(prompt, pieces)
    if found is None or len(found[0]) < FINISH_MIN_CHARS or found[1] < min_prob:
        return ""
    return found[0]


class DocumentAware:
    """Judges generated pieces against the gate, the session and the open document."""

    def __init__(self) -> None:
        self.feed = DocumentFeed()
        self.session = SessionGate()
        self.source = ""  # what the last shown text came from: model, finish, blend, word

    def evaluate(
        self,
        prompt: InlinePrompt,
        pieces: Sequence[Piece],
        min_prob: float,
        final: bool = False,
    ) -> tuple[str, str]:
        """As `prompt.evaluate`: ("wait" | "stop" | "show" | "done", text)."""
        threshold = self.session.threshold(min_prob)
        doc = self.feed.model
        verdict, text = evaluate(
            prompt, pieces, threshold, final, unscored=lambda rest: self._vouches(prompt, rest)
        )
        source = "model"
        if verdict == "stop":
            rest = finish(prompt, pieces, FINISH_MIN_PROB if min_prob > 0 else 0.0)
            if rest:
                verdict, text, source = "done", rest, "finish"
            else:
                verdict, text, source = self._rescue(prompt, pieces, threshold, final, doc)
        if verdict not in ("show", "done") or not text.strip():
            return verdict, text
        prob = gate_prob(prompt, pieces)
        if not (source == "model" and prob is not None and prob >= FACT_OVERRIDE_PROB):
            known = WindowFacts(doc, prompt.key)
            text = fact_free_prefix(text, known, before=prompt.key[-CONTEXT_CHARS:])
            if not text.strip():
                return ("stop", "") if verdict == "done" or final else ("wait", "")
        self.source = source
        return verdict, text

    def _rescue(self, prompt, pieces, threshold, final, doc) -> tuple[str, str, str]:
        """What the document offers where the model alone shows nothing."""
        prob = gate_prob(prompt, pieces)
        if prob is not None:
            verdict, text = evaluate(prompt, pieces, 0.0, final)
            judged = judged_word(prompt, text) if text.strip() else None
            if judged is not None:
                base, word, growing = judged
                if growing and not final and verdict != "done":
                    return "wait", "", ""  # judge the whole word, not its first token
                if blend(prob, doc.phrase_share(base, word)) >= threshold:
                    return verdict, text, "blend"
        # Continuing a phrase of the document where the model has nothing is not done: `bench
        # gate`'s "continue" variant found it right 3 times in 23 on held-out Austen.
        before = prompt.key[-CONTEXT_CHARS:]
        partial = prompt.typed.strip()
        if partial and " " not in partial and before.endswith(partial):
            word = doc.complete_word(partial)
            if word and len(word) > len(partial):
                return "done", word[len(partial) :], "word"
        return "stop", "", ""

    def _vouches(self, prompt: InlinePrompt, rest: str) -> bool:
        """True when the document goes on after the same words with the model's word."""
        judged = judged_word(prompt, rest)
        if judged is None:
            return False
        base, word, _growing = judged
        found = self.feed.model.followers(base + word, limit=1, min_total=VOUCH_COUNT)
        return bool(
            found
            and found[0].word.startswith(word)
            and found[0].count >= VOUCH_COUNT
            and found[0].share >= VOUCH_SHARE
        )

    def close(self) -> None:
        """Stop the document model's worker."""
        self.feed.close()
