"""Alternatives for one position (Alt+] / Alt+[) and asking now (Alt+\\), for the engine.

The candidates come from the generation already made for the position, so asking for them
costs nothing: the suggestion shown, then the runners-up of the model's first token (from the
same logits, `Piece.alternatives`), each completed to a whole word from the document when it
only begins one, then the words the document itself uses after the same words. At most
`MAX_CANDIDATES`, no two starting with the same word, none bringing in a new fact.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop_app.inline.document_aware import CONTEXT_CHARS, WindowFacts, quiet_here
from desktop_app.inline.document_counts import BOUNDARY, TOKEN
from desktop_app.inline.document_model import DocumentModel
from desktop_app.inline.facts import fact_free_prefix
from desktop_app.inline.prompt import InlinePrompt, SuggestionContext, remainder, should_suggest
from models.base import Piece

MAX_CANDIDATES = 3
WHY_PREFIX = "Nothing to offer: "  # an idle state that answers Alt+\\ says why
TOP_K = 4  # first tokens asked of the model (one is usually the greedy choice itself)


def _first_word(text: str) -> str:
    words = [t for t in TOKEN.findall(text) if t not in BOUNDARY]
    return words[0] if words else ""


def _whole_word(rest: str, doc: DocumentModel, before: str) -> str:
    """`rest` (one token after the cursor) completed to the end of its word from the
    document, when the document knows how it goes on ("Eliz" → "Elizabeth")."""
    if not rest or not rest[-1].isalnum():
        return rest
    found = doc.followers(before + rest, limit=1)
    word = _first_word(rest.split()[-1]) if rest.split() else ""
    if found and word and found[0].word.startswith(word) and found[0].share >= 0.5:
        return rest + found[0].word[len(word) :]
    completed = doc.complete_word(word, typing=False) if word else None
    return rest + completed[len(word) :] if completed else rest


def candidates(
    prompt: InlinePrompt, pieces: Sequence[Piece], shown: str, doc: DocumentModel
) -> list[str]:
    """Up to MAX_CANDIDATES texts to show after the cursor, `shown` first when there is one."""
    before = prompt.key[-CONTEXT_CHARS:]
    out: list[str] = [shown] if shown.strip() else []
    tokens = [token for token, _prob in (pieces[0].alternatives if pieces else ())]
    for token in tokens:
        rest = remainder(prompt, token)
        if rest and rest.strip():
            out.append(_whole_word(rest, doc, before))
    space = "" if not before or before[-1].isspace() else " "
    partial = prompt.typed.strip()
    for follower in doc.followers(before, limit=MAX_CANDIDATES):
        if partial:
            out.append(follower.word[len(partial) :] if follower.word != partial else "")
        else:
            out.append(space + follower.word)
    known = WindowFacts(doc, prompt.key)
    kept: list[str] = []
    seen: set[str] = set()
    for text in out:
        text = fact_free_prefix(text, known, before=before) if text != shown else text
        key = _first_word(prompt.typed + text)
        if text.strip() and key not in seen:
            seen.add(key)
            kept.append(text)
    return kept[:MAX_CANDIDATES]


def why_quiet(context: SuggestionContext, enabled: bool, has_model: bool) -> str:
    """Why nothing can be suggested at this position ("" when something could be)."""
    if not enabled:
        return "suggestions are off for this document"
    if not has_model:
        return "the model is not loaded yet"
    if quiet_here(context.before_start, context.before):
        return "no prose suggestions in a code block or front matter"
    if not context.before or context.before.endswith("\n"):
        return "nothing to go on at the start of a line"
    if not should_suggest(context.before, context.after_on_line):
        return "text follows the cursor on this line"
    return ""
