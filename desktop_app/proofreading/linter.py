"""The proofreader: Harper's `Linter` behind a small API that returns plain `Issue`s.

`Proofreader()` builds a `harper.Linter` (about a second: build it off the GUI thread). A
`harper.Linter` is not thread-safe, so each `Proofreader` has a lock and one thread should own
it (the `BackgroundChecker` does). Harper's spans are code points, i.e. Python `str` indices,
which holds for "é" and emoji alike (checked in the tests), so offsets need no conversion.

Each paragraph is masked first (`markup`), linted as plain text, and Harper's findings are
cached (`cache`); then the filters (`filters`, the personal dictionary, the document's ignore
set, the enabled categories) turn them into `Issue`s.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import harper

from desktop_app.proofreading.cache import ParagraphCache, RawLint
from desktop_app.proofreading.dictionary import PersonalDictionary
from desktop_app.proofreading.filters import (
    DEFAULT_CATEGORIES,
    LEGIT_DOUBLES,
    SPELLING,
    DocumentStats,
    category_of,
    is_name,
    known_exception,
    looks_like_name,
)
from desktop_app.proofreading.markup import mask_prose, masked_spans, split_paragraphs, touches

DIALECTS: dict[str, harper.Dialect] = {d.name.lower(): d for d in harper.Dialect}
DEFAULT_DIALECT = "american"


def dialect_names() -> list[str]:
    """The dialects Harper offers, lower case: "american", "british", "australian", …"""
    return list(DIALECTS)


@dataclass(frozen=True)
class ProofreadSettings:
    """What the writer chose in Preferences; the defaults keep false alarms down."""

    dialect: str | None = None  # one of dialect_names(); None: guess from the document
    categories: frozenset[str] = DEFAULT_CATEGORIES  # "spelling", "grammar", "style"
    detect_names: bool = True  # words capitalised ≥3 times in the document are names
    rules: tuple[tuple[str, bool], ...] = ()  # Harper rule overrides, e.g. (("Dashes", False),)

    def fingerprint(self, dialect: str) -> str:
        """What changes Harper's own output (the paragraph cache key): dialect and rules."""
        return dialect + "|" + ",".join(f"{name}={on:d}" for name, on in sorted(self.rules))


@dataclass(frozen=True)
class DocumentContext:
    """What a paragraph's lints are filtered with: the document's names, dialect, ignore set."""

    names: frozenset[str] = frozenset()
    dialect: str = DEFAULT_DIALECT
    ignored: frozenset[str] = frozenset()  # `Issue.ignore_key`s the writer ignored here

    @classmethod
    def from_stats(
        cls,
        stats: DocumentStats,
        settings: ProofreadSettings | None = None,
        ignored: Iterable[str] = (),
    ) -> DocumentContext:
        """The context for a document whose counts are `stats`."""
        settings = settings or ProofreadSettings()
        return cls(
            names=stats.names() if settings.detect_names else frozenset(),
            dialect=settings.dialect or stats.dialect_guess(),
            ignored=frozenset(ignored),
        )

    @classmethod
    def from_text(
        cls, text: str, settings: ProofreadSettings | None = None, ignored: Iterable[str] = ()
    ) -> DocumentContext:
        """The context for the whole document `text`."""
        return cls.from_stats(DocumentStats.of(mask_prose(text, True)), settings, ignored)


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a paragraph; `start`/`end` are `str` offsets into the text linted."""

    start: int
    end: int
    kind: str  # Harper's lint kind, e.g. "Spelling", "Grammar", "Repetition"
    category: str  # "spelling" | "grammar" | "style"
    message: str
    suggestions: list[str]  # each a replacement for text[start:end], best first
    rule: str  # Harper's rule name, e.g. "SpellCheck", "RepeatedWords"
    text: str = ""  # the text the issue covers, text[start:end]
    suggestion_kinds: list[str] = field(default_factory=list)  # "REPLACE"|"REMOVE"|"INSERT_AFTER"

    @property
    def ignore_key(self) -> str:
        """What "Ignore" in this document remembers: the word, or the rule and its text."""
        word = self.text.strip().replace("\u2019", "'").casefold()
        return word if self.category == SPELLING else f"{self.rule}:{word}"

    def shifted(self, offset: int) -> Issue:
        """The same issue `offset` characters further on (paragraph → document offsets)."""
        return dataclasses.replace(self, start=self.start + offset, end=self.end + offset)


def _suggestions(raw: RawLint, problem: str) -> tuple[list[str], list[str]]:
    """Replacements for the span, deduplicated (Harper repeats some with a trailing space)."""
    texts: list[str] = []
    kinds: list[str] = []
    seen: set[str] = set()
    for kind, replacement in raw.suggestions:
        if kind == "REMOVE":
            new = ""
        elif kind == "INSERT_AFTER":
            new = problem + replacement
        else:
            new = replacement
        if new.strip() == problem.strip() or new.strip() in seen:
            continue
        seen.add(new.strip())
        texts.append(new)
        kinds.append(kind)
    return texts, kinds


_DOUBLED = re.compile(r"\b([^\W\d_]+)(\s+)(\1)\b", re.IGNORECASE)
# Doubled on purpose ("she had had enough", "he said that that was all", "bye bye").
_FINE_DOUBLES = frozenset(LEGIT_DOUBLES | {"bye", "ha", "knock", "tut", "chop", "la", "no"})
_PRIORITY = {"SpellCheck": 0, "DoubledWord": 1, "RepeatedWords": 1}


def doubled_words(text: str) -> list[RawLint]:
    """Every word written twice in a row ("a good good word"); Harper finds only some."""
    found = []
    for match in _DOUBLED.finditer(text):
        word = match.group(1)
        if word.lower() in _FINE_DOUBLES or word.lower() != match.group(3).lower():
            continue
        found.append(
            RawLint(
                match.start(),
                match.end(),
                "DoubledWord",
                "Repetition",
                f"The word `{word}` is written twice.",
                (("REPLACE", word),),
            )
        )
    return found


def _settle(issues: list[Issue]) -> list[Issue]:
    """One issue per place: of overlapping issues keep spelling first, then Harper's order."""
    ranked = sorted(
        range(len(issues)), key=lambda i: (_PRIORITY.get(issues[i].rule, 2), issues[i].start, i)
    )
    kept: list[Issue] = []
    for index in ranked:
        issue = issues[index]
        if any(issue.start < k.end and k.start < issue.end for k in kept):
            continue
        kept.append(issue)
    return sorted(kept, key=lambda issue: (issue.start, issue.end))


class Proofreader:
    """Lints paragraphs with Harper; owns a `harper.Linter` per dialect it has checked (the first
    is slow to build; none is thread-safe).

    A dialect change builds another Linter instead of using Harper's `dialect` setter: the
    setter drops the old linter's caches while holding the GIL, 75 ms once it has linted 400
    paragraphs of Austen, and the GUI froze with it when the dialect guess flipped as a writer
    typed "favour". A further Linter shares the first one's dictionary and takes about 7 ms,
    without holding the GIL. The guess rarely flips more than once, and there are 5 dialects.
    """

    def __init__(
        self,
        dialect: str = DEFAULT_DIALECT,
        dictionary: PersonalDictionary | None = None,
        cache: ParagraphCache | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._dialect = dialect if dialect in DIALECTS else DEFAULT_DIALECT
        first = harper.Linter(DIALECTS[self._dialect])
        self._linters: dict[str, harper.Linter] = {self._dialect: first}
        self._default_config: dict[str, bool] = first.get_default_lint_config()
        self._rules: dict[str, tuple[tuple[str, bool], ...]] = {self._dialect: ()}
        self.dictionary = dictionary
        self.cache = cache if cache is not None else ParagraphCache()

    @property
    def dialect(self) -> str:
        """The dialect Harper currently checks against."""
        return self._dialect

    def rule_names(self) -> list[str]:
        """Every Harper rule name (for a Preferences list)."""
        return sorted(self._default_config)

    def _configure(self, dialect: str, rules: tuple[tuple[str, bool], ...]) -> harper.Linter:
        """The Linter for `dialect`, built on first use, with `rules` in force."""
        if dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r}; choose one of {dialect_names()}")
        linter = self._linters.get(dialect)
        if linter is None:
            linter = self._linters[dialect] = harper.Linter(DIALECTS[dialect])
            self._rules[dialect] = ()
        self._dialect = dialect
        if rules != self._rules[dialect]:
            config: dict[str, bool | None] = {name: None for name in self._default_config}
            config.update({name: on for name, on in rules if name in config})
            linter.set_lint_config(config)
            self._rules[dialect] = rules
        return linter

    def raw_lints(
        self, masked: str, dialect: str, rules: tuple[tuple[str, bool], ...] = ()
    ) -> tuple[RawLint, ...]:
        """Harper's lints for an already masked paragraph, from the cache when it has them."""
        fingerprint = ProofreadSettings(rules=rules).fingerprint(dialect)
        cached = self.cache.get(masked, fingerprint)
        if cached is not None:
            return cached
        if not masked.strip():
            lints: tuple[RawLint, ...] = ()
        else:
            with self._lock:
                linter = self._configure(dialect, rules)
                # Overlaps are settled after filtering (`_settle`): Harper's own dedup can hide a
                # misspelling behind a SplitWords lint that the filters then drop.
                options = {"language": harper.Language.PLAINTEXT, "dedup": False}
                # `lint` is about twice as fast as `organized_lints` (which builds a list for
                # each of ~900 rules) and most paragraphs are clean: ask for rule names only
                # when there is something to name.
                organized = (
                    linter.organized_lints(masked, **options)
                    if linter.lint(masked, **options)
                    else {}
                )
            found_lints = [
                RawLint(
                    lint.span.start,
                    lint.span.end,
                    rule,
                    lint.lint_kind,
                    lint.message,
                    tuple((s.kind.name, s.replacement_text) for s in lint.suggestions),
                )
                for rule, found in organized.items()
                for lint in found
            ]
            found_lints.extend(doubled_words(masked))
            lints = tuple(sorted(found_lints, key=lambda raw: (raw.start, raw.end, raw.rule)))
        self.cache.put(masked, fingerprint, lints)
        return lints

    def lint_paragraph(
        self,
        text: str,
        context: DocumentContext | None = None,
        settings: ProofreadSettings | None = None,
        masked: str | None = None,
        continues: bool = False,
    ) -> list[Issue]:
        """The issues in one paragraph, offsets into `text`.

        `masked` is `text` already masked in document order (a `ProseMasker` carries fenced
        code from paragraph to paragraph); without it the paragraph is masked on its own.
        `continues`: the text goes on a sentence from the block before (a hard-wrapped line),
        so a lower-case first word is no sentence missing its capital.
        """
        settings = settings or ProofreadSettings()
        context = context or DocumentContext(dialect=settings.dialect or DEFAULT_DIALECT)
        if masked is None:
            masked = mask_prose(text)
        raws = self.raw_lints(masked, settings.dialect or context.dialect, settings.rules)
        if continues:
            raws = [
                raw
                for raw in raws
                if not (raw.rule == "SentenceCapitalization" and not masked[: raw.start].strip())
            ]
        return self.filter(text, masked, raws, context, settings)

    def filter(
        self,
        text: str,
        masked: str,
        raws: Iterable[RawLint],
        context: DocumentContext,
        settings: ProofreadSettings,
    ) -> list[Issue]:
        """Turn Harper's findings for `text` into the issues the writer should see."""
        hidden = masked_spans(text, masked) if masked != text else []
        issues: list[Issue] = []
        for raw in raws:
            if touches(hidden, raw.start, raw.end):
                continue
            category = category_of(raw.kind, raw.rule)
            if category not in settings.categories:
                continue
            if known_exception(raw.rule, text, raw.start, raw.end):
                continue
            problem = text[raw.start : raw.end]
            suggestions, kinds = _suggestions(raw, problem)
            if category == SPELLING and (
                is_name(problem, context.names)
                or (self.dictionary is not None and problem.strip() in self.dictionary)
                or (
                    settings.detect_names
                    and raw.rule == "SpellCheck"
                    and looks_like_name(text, raw.start, raw.end, suggestions)
                )
            ):
                continue
            issue = Issue(
                raw.start,
                raw.end,
                raw.kind,
                category,
                raw.message,
                suggestions,
                raw.rule,
                problem,
                kinds,
            )
            if issue.ignore_key in context.ignored:
                continue
            issues.append(issue)
        return _settle(issues)

    def lint_document(
        self,
        text: str,
        settings: ProofreadSettings | None = None,
        ignored: Iterable[str] = (),
    ) -> list[Issue]:
        """Every issue in a whole document, offsets into `text` (for the command line)."""
        settings = settings or ProofreadSettings()
        context = DocumentContext.from_text(text, settings, ignored)
        issues: list[Issue] = []
        for paragraph in split_paragraphs(text):
            if paragraph.code:
                continue
            found = self.lint_paragraph(paragraph.text, context, settings)
            issues.extend(issue.shifted(paragraph.start) for issue in found)
        return issues


def rule_overrides(rules: Mapping[str, bool]) -> tuple[tuple[str, bool], ...]:
    """`ProofreadSettings.rules` from a mapping of rule name to on/off."""
    return tuple(sorted(rules.items()))
