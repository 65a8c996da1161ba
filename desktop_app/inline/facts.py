"""Fact safety: tell when a suggestion's first words bring in a number, date or name that the
document does not have.

A wrong date in ghost text is worse than none: a writer accepting with Tab may not notice it.
So a suggestion whose first words introduce a number ("1843", "2,500", "29th"), or a
capitalised word that looks like a name or a date ("Pudding Lane", "September") and appears
nowhere in the document, is flagged; one that continues a name or number the document already
has is fine.

Capitals are read with care. "I" and titles ("Mr.", "Lady") are never facts. A capital at the
start of a sentence is a name only when the word is neither a common sentence opener ("The",
"However", "May") nor used in lower case by the document ("Flames" when it has "flames").
"""

from __future__ import annotations

import re

from desktop_app.inline.document_counts import BOUNDARY, TOKEN, number_core

CHECK_WORDS = 6  # how many of the suggestion's first words are checked
# The engine would still show a flagged suggestion when the model is at least this sure of its
# first word. At 0.95, `inkling bench typing` on the Great Fire text showed 2 invented facts in
# 2,292 characters: a model that sure of a new date is still wrong often enough, so no
# confidence lets one through (`bench gate` counts any that would as `invented_shown`).
FACT_OVERRIDE_PROB = float("inf")

_SENTENCE_START = re.compile(r"(?:^|[.!?…][\"'”’)\]]*\s+|\n\s*)[\"'“‘(\[]*$")
_PARTIAL = re.compile(r"[\w'’-]*$")
_SENTENCE_END = frozenset({".", "!", "?", "…", "\n"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TITLES = _words(
    "Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. St St. Jr Jr. Sr Sr. Mt Mt. Miss Sir Madam Lady Lord Dame "
    "Master Mistress Saint Captain Colonel General King Queen Prince Princess Uncle Aunt"
)
_MONTHS = _words(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
)
# Words that often open a sentence, so a capital there says nothing about a name. "May" and
# "March" are also verbs; other months and days are dates wherever they stand.
_OPENERS = _words(
    """a about above according across after afterwards again against all almost already also
    although always among an and another any anyone anything are as at back be because before
    being below besides beyond both but by can could did do does doing done down during each
    either even ever every everyone everything few finally first for from further had has have
    having he her here hers herself him himself his how however i if in indeed instead into is
    it its itself just last later least less let like many may march maybe me meanwhile might
    more moreover most much must my myself neither never nevertheless next no nobody none nor
    not nothing now of off often on once one only or other others otherwise our ours ourselves
    out over perhaps please quite rather really second see several shall she should since so
    some someone something sometimes soon still such suddenly than that the their theirs them
    themselves then there therefore these they third this those though thus to today together
    tomorrow too toward towards under unless until up upon us very was we well were what
    whatever when whenever where whereas wherever whether which while who whoever whom whose
    why will with within without would yes yesterday yet you your yours yourself yourselves
    oh ah alas dear good great little new old poor well yes no"""
)


def introduces_new_fact(
    suggestion: str, document_model, *, before: str = "", words: int = CHECK_WORDS
) -> str | None:
    """A plain reason ("the year 1843 is not in the document") when the first `words` words
    of `suggestion` bring in a number, date or name that `document_model` does not have; None
    when they bring in nothing new.

    `before` is the text before the cursor (its last line is enough): it tells whether the
    suggestion starts a sentence, and a word it ends inside ("in 18" + "66") is checked whole.
    """
    found = _first_new_fact(suggestion, document_model, before, words)
    return found[1] if found else None


def fact_free_prefix(
    suggestion: str, document_model, *, before: str = "", words: int = CHECK_WORDS
) -> str:
    """`suggestion` cut just before the first word that brings in something new to the
    document ("began on 29th May" → "began on"); "" when that is its first word."""
    found = _first_new_fact(suggestion, document_model, before, words)
    if found is None:
        return suggestion
    head = suggestion[: found[0]].rstrip(" \t\"'“‘(,;:—-")
    return head if any(ch.isalnum() for ch in head) else ""


def _first_new_fact(suggestion: str, model, before: str, words: int) -> tuple[int, str] | None:
    """(where in `suggestion` the first new fact starts, why) among its first `words` words."""
    head, partial = before, ""
    if suggestion[:1].isalnum():
        partial = _PARTIAL.search(before).group(0)
        head = before[: len(before) - len(partial)]
    starts_sentence = bool(_SENTENCE_START.search(head[-200:]))
    checked = 0
    for match in TOKEN.finditer(partial + suggestion):
        token = match.group(0)
        if token in BOUNDARY:
            starts_sentence = starts_sentence or token in _SENTENCE_END
            continue
        checked += 1
        if checked > words:
            break
        reason = _new_fact(token, model, starts_sentence)
        if reason:
            return max(0, match.start() - len(partial)), reason
        starts_sentence = False
    return None


def _new_fact(word: str, model, starts_sentence: bool) -> str | None:
    core = number_core(word)
    if core is not None:
        if model.has_number(core):
            return None
        kind = "year" if _is_year(core) else "number"
        return f"the {kind} {word} is not in the document"
    if not word[:1].isupper() or _known(word, model):
        return None
    if word == "I" or word.startswith(("I'", "I’")) or word in _TITLES:
        return None
    if starts_sentence and word not in _MONTHS - {"May", "March"}:
        lower = word.lower()
        if lower in _OPENERS or model.contains(lower):
            return None
    kind = "date" if word in _MONTHS else "name"
    return f"the {kind} {word} is not in the document"


def _is_year(core: str) -> bool:
    return len(core) == 4 and core.isdigit() and 1000 <= int(core) <= 2199


def _known(word: str, model) -> bool:
    """The document has `word`, or it without a possessive, or every part of a hyphenation."""
    if model.contains(word):
        return True
    for ending in ("'s", "’s", "'", "’"):
        if word.endswith(ending) and model.contains(word[: -len(ending)]):
            return True
    parts = word.split("-")
    return len(parts) > 1 and all(model.contains(part) for part in parts if part)
