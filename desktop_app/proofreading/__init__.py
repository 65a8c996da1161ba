"""Proofreading with Harper (offline spelling and grammar), with no widgets and no Qt.

Modules: `linter` (the `Proofreader` around `harper.Linter`, `Issue`, settings), `filters`
(categories, dialect guess, names, known false alarms), `markup` (Markdown and code masked,
paragraph splitting), `dictionary` (the personal dictionary), `cache` (Harper's findings per
paragraph), `checker` (the background thread), `prefetch` (a second Harper linting ahead
for the checker), `fixes` (Fix Grammar and Spelling), `session` (the window's handle: the
checker with its results relayed to the GUI thread; QtCore only) and `block_issues` (what the
editor shows per block, stale results refused).

Checking as you type (the editor)::

    checker = BackgroundChecker(on_result, settings=ProofreadSettings(), dictionary=dictionary,
                                on_ready=..., on_idle=..., on_error=...)
    checker.start()                       # builds Harper's Linter (~1 s) on its own thread
    checker.check(revision, [(block_number, text), ...], visible=range(first, last + 1))
    # on_result(CheckResult(revision, block_number, text, issues)) on the checker's thread:
    # relay it to the GUI thread; paint only if result.is_current(block.text()).
    # on_idle(revision, issue_count) when the whole document has been checked.
    checker.ignore(issue.ignore_key)      # Ignore (this document); then check() again
    dictionary.add(issue.text)            # Add to Dictionary (saved at once); then check()
    checker.set_settings(ProofreadSettings(categories=..., dialect=...))
    checker.call(lambda p: fix_text(text, p, context=...), done)   # uses the checker's Linter
    checker.stop()

Pass every block (QTextBlock: one per line, blank ones too), in order and sorted by block
number: fenced code and front matter are recognised across blocks, and a hard-wrapped line
that goes on the sentence of the line before is not flagged for its lower-case start.
`Issue.start`/`end` are `str` offsets into the block's text (Harper's spans are code points;
verified with "é" and emoji); QTextBlock positions count UTF-16 units: place underlines at
`markup.utf16_offset(block_text, issue.start)` (differs after emoji).

Everything else::

    Proofreader(dialect="american", dictionary=None, cache=None)    # ~1 s: off the GUI thread
    Proofreader.lint_paragraph(text, context=None, settings=None, masked=None) -> list[Issue]
    Proofreader.lint_document(text, settings=None, ignored=()) -> list[Issue]
    DocumentContext.from_text(text, settings=None, ignored=())     # names, dialect, ignore set
    Issue(start, end, kind, category, message, suggestions, rule, text, suggestion_kinds)
        .ignore_key                       # category: "spelling" | "grammar" | "style"
    ProofreadSettings(dialect=None, categories={"spelling", "grammar"}, detect_names=True,
                      rules=())           # dialect None: guessed; add "style" for style advice
    dialect_names() -> ["american", "british", "australian", "canadian", "indian"]
    PersonalDictionary(path=None)         # config_dir()/dictionary.json; add, remove, words
    fix_text(text, proofreader, settings=None, context=None) -> FixPlan
    FixPlan(text, fixes: list[Fix], open: list[Issue]).apply(chosen=None) -> str
    Fix(start, end, old, new, reason, rule, category)
    apply_fixes(text, fixes) -> str       # the fixes the writer left ticked

For the review panel: show `plan.fixes` (each with its `reason`) with a tick box each, diff
`plan.text` against `plan.apply(ticked)`, and list `plan.open` as issues left to the writer.
A `harper.Linter` is not thread-safe: use the checker's (`checker.call`) or another
`Proofreader` for fixes, never one shared by two threads.
"""

from __future__ import annotations

from desktop_app.proofreading.cache import ParagraphCache, RawLint
from desktop_app.proofreading.checker import BackgroundChecker, CheckResult
from desktop_app.proofreading.dictionary import PersonalDictionary
from desktop_app.proofreading.filters import CATEGORIES, DEFAULT_CATEGORIES, DocumentStats
from desktop_app.proofreading.fixes import Fix, FixPlan, apply_fixes, clear_suggestion, fix_text
from desktop_app.proofreading.linter import (
    DocumentContext,
    Issue,
    Proofreader,
    ProofreadSettings,
    dialect_names,
)

__all__ = [
    "CATEGORIES",
    "DEFAULT_CATEGORIES",
    "BackgroundChecker",
    "CheckResult",
    "DocumentContext",
    "DocumentStats",
    "Fix",
    "FixPlan",
    "Issue",
    "ParagraphCache",
    "PersonalDictionary",
    "Proofreader",
    "ProofreadSettings",
    "RawLint",
    "apply_fixes",
    "clear_suggestion",
    "dialect_names",
    "fix_text",
]
