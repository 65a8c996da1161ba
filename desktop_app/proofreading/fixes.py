"""Fix Grammar and Spelling with Harper's own suggestions, never through a language model.

`fix_text(text, proofreader)` lints `text` (a selection, a paragraph or a whole document) and
returns a `FixPlan`: one `Fix` (start, end, old, new, reason) for every issue with one clear
suggestion, and the other issues as `open` for the writer. `FixPlan.apply(chosen)` or
`apply_fixes(text, fixes)` makes the new text from the fixes the writer left ticked.

A suggestion is *clear* when it is the only one left after dropping duplicates, or when it is
clearly the closest to what was written: a weighted edit distance (`filters.edit_distance`:
an apostrophe costs 0.3, a change of case 0.1, swapped letters 0.6, a doubled letter 0.7, an
omitted letter 0.8, a wrong letter 1) of at most 2, and every other suggestion at least 0.1
further: "dont" → "don't", "recieve" → "receive", "compasion" → "compassion" (not
"companion"), "its" → "it's" (not "it has"). A spelling fix is never clear when it changes the
first letter (people seldom mistype it; "Eilidh" → "Ceilidh" is a name), when it is more than
an apostrophe or case away for a capitalised word mid-sentence (a name seen fewer than three
times), or when it turns a plural into a possessive ("sakes" → "sake's"). Rules whose single
suggestion changed correct prose in the benchmarks (`REVIEW_ONLY_RULES`) are always open.

A fix is refused (left open) when it would add or remove a sentence end (. ! ? …), change the
number of words by more than one, span a line break, or overlap another fix; Markdown and code
are masked before linting, so no fix can touch them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from desktop_app.proofreading.filters import SPELLING, edit_distance, mid_sentence_capital
from desktop_app.proofreading.linter import (
    DocumentContext,
    Issue,
    Proofreader,
    ProofreadSettings,
)
from desktop_app.proofreading.markup import split_paragraphs

# Rules whose one suggestion changed correct prose in the benchmarks (Austen, the GPL): their
# issues are shown and offered, never applied without the writer.
REVIEW_ONLY_RULES = frozenset(
    {
        "MassNouns",
        "Someone",
        "TheyToThem",
        "SimplePastToPastParticiple",
        "PronounVerbAgreement",
        "ThatThan",
        "DisjointPrefixes",
        "NominalWants",
    }
)
MAX_DISTANCE = 2.0
MARGIN = 0.1
_SENTENCE_END = re.compile(r"[.!?\u2026]")


@dataclass(frozen=True)
class Fix:
    """One replacement: `text[start:end]` (== `old`) becomes `new`, because of `reason`."""

    start: int
    end: int
    old: str
    new: str
    reason: str  # Harper's message, for the review panel
    rule: str = ""
    category: str = ""


@dataclass
class FixPlan:
    """The fixes proposed for `text`, and the issues left open for the writer."""

    text: str
    fixes: list[Fix] = field(default_factory=list)
    open: list[Issue] = field(default_factory=list)

    def apply(self, chosen: Iterable[int] | None = None) -> str:
        """The fixed text with the fixes at indices `chosen` (default: all of them)."""
        picked = self.fixes if chosen is None else [self.fixes[i] for i in sorted(set(chosen))]
        return apply_fixes(self.text, picked)

    @property
    def fixed_text(self) -> str:
        """The text with every fix applied."""
        return self.apply()


def apply_fixes(text: str, fixes: Iterable[Fix]) -> str:
    """`text` with `fixes` applied; ValueError if one no longer matches or two overlap."""
    out: list[str] = []
    pos = 0
    for fix in sorted(fixes, key=lambda f: (f.start, f.end)):
        if fix.start < pos:
            raise ValueError(f"fixes overlap at {fix.start}")
        if text[fix.start : fix.end] != fix.old:
            raise ValueError(f"the text at {fix.start} is no longer {fix.old!r}")
        out.append(text[pos : fix.start])
        out.append(fix.new)
        pos = fix.end
    out.append(text[pos:])
    return "".join(out)


def clear_suggestion(issue: Issue, text: str = "") -> str | None:
    """The one suggestion to apply without asking, or None when the writer must choose.

    `text` is what the issue's offsets point into (to tell a name from a misspelling).
    """
    if not issue.suggestions or issue.rule in REVIEW_ONLY_RULES:
        return None
    spelling = issue.category == SPELLING
    distances = [edit_distance(issue.text, s) for s in issue.suggestions]
    best = min(range(len(distances)), key=distances.__getitem__)
    if spelling and distances[best] > MAX_DISTANCE:
        return None
    # A capitalised word mid-sentence is likely a name not yet seen three times: only an
    # apostrophe or case away ("Im" -> "I'm") is clear enough.
    if (
        spelling
        and text
        and distances[best] > 0.3
        and mid_sentence_capital(text, issue.start, issue.end)
    ):
        return None
    # People seldom get a word's first letter wrong ("Eilidh" -> "Ceilidh" is a name).
    first = issue.suggestions[best][:1].casefold()
    if issue.rule == "SpellCheck" and first != issue.text[:1].casefold():
        return None
    # "sakes" -> "sake's": a plural or a possessive; the spell checker cannot know which.
    if issue.rule == "SpellCheck" and _possessive_of(issue.text, issue.suggestions[best]):
        return None
    if len(issue.suggestions) == 1:
        return issue.suggestions[0]
    others = [d for i, d in enumerate(distances) if i != best]
    if distances[best] <= MAX_DISTANCE and all(distances[best] + MARGIN <= d for d in others):
        return issue.suggestions[best]
    return None


def _possessive_of(old: str, new: str) -> bool:
    return old.endswith("s") and new.replace("\u2019", "'") == old[:-1] + "'s"


def safe_fix(old: str, new: str) -> bool:
    """Whether replacing `old` by `new` keeps every sentence and loses at most one word."""
    if len(_SENTENCE_END.findall(old)) != len(_SENTENCE_END.findall(new)):
        return False
    if "\n" in old or "\n" in new:
        return False
    return abs(len(old.split()) - len(new.split())) <= 1


def fix_text(
    text: str,
    proofreader: Proofreader,
    settings: ProofreadSettings | None = None,
    context: DocumentContext | None = None,
) -> FixPlan:
    """The fixes for `text` (selection, paragraph or document), offsets into `text`.

    `context` is the whole document's (names, dialect, ignore set) when `text` is a part of
    it; by default it is computed from `text` itself.
    """
    settings = settings or ProofreadSettings()
    context = context or DocumentContext.from_text(text, settings)
    plan = FixPlan(text)
    for paragraph in split_paragraphs(text):
        if paragraph.code:
            continue
        taken_until = -1
        for issue in proofreader.lint_paragraph(paragraph.text, context, settings):
            issue = issue.shifted(paragraph.start)
            new = clear_suggestion(issue, text)
            if new is None or issue.start < taken_until or not safe_fix(issue.text, new):
                plan.open.append(issue)
                continue
            plan.fixes.append(
                Fix(
                    issue.start,
                    issue.end,
                    issue.text,
                    new,
                    issue.message,
                    issue.rule,
                    issue.category,
                )
            )
            taken_until = issue.end
    return plan
