"""Check a model's rewrite of one chunk against its source before the writer sees it.

`check(action, source, output)` returns plain-worded `GuardWarning`s ("2 sentences dropped",
"a number changed: 87 → 400"); `verdict(warnings)` says whether the result is fine ("ok"), needs
the writer's eye ("warn") or should not be proposed at all ("reject": retry with other sampling,
then keep the original). Every check compares the output with the source, so anything the source
itself has (a "<b>", a "Here is", a repeated refrain) is never held against the output, and an
output identical to its source passes for grammar, formal, friendly and custom.

Checks: cut off mid-sentence, a repetition loop, markup the source lacks, chatter or a refusal,
source sentences with no counterpart (not for summarize), numbers, dates and names that are new
or missing, a different language, a length outside the action's bounds, negation flips, and for
continue a restatement of the source or no new text.

Cost, measured on 150-word paragraphs with every cache cold (2 cores shared with other programs,
Python 3.11): median 0.9–2.2 ms per check by action (formal 2.2, concise 1.9, grammar 1.5,
summarize 1.3, continue 0.9), 95th percentile 2.8 ms; on 24 real outputs of the bundled model
(up to 257 words) median 1.8 ms, 95th percentile 3.7 ms. The budget is 5 ms. Measurements of a
text are cached, so a retry of the same chunk re-reads only the new output.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from desktop_app.rewrite.guard import facts as gf
from desktop_app.rewrite.guard import text as gt

Severity = Literal["reject", "warn"]


@dataclass(frozen=True)
class GuardWarning:
    """One problem found in a rewrite, in words a writer understands."""

    code: str  # stable id: "dropped", "number_changed", "loop", "markup", …
    message: str  # shown beside the diff: "2 sentences dropped"
    severity: Severity  # "reject": do not propose it as is; "warn": propose, but say this
    detail: str = ""  # what exactly (the dropped sentence, the markup found), for a tooltip


# Length bounds as a share of the source's words (low, high); summarize has no lower bound.
LENGTH_BOUNDS: dict[str, tuple[float, float]] = {
    "grammar": (0.9, 1.1),
    "concise": (0.3, 0.9),
    "summarize": (0.0, 0.5),
    "formal": (0.6, 1.6),
    "friendly": (0.6, 1.6),
    "custom": (0.5, 2.0),
}
ACTIONS = (*LENGTH_BOUNDS, "continue")
# A source sentence counts as dropped when fewer than this share of its distinctive content
# words appear anywhere in the output (lower where the action may change the wording).
_KEEP_SHARE = {"grammar": 0.5, "concise": 0.5, "formal": 0.4, "friendly": 0.34, "custom": 0.34}
_LENGTH_SLACK_WORDS = 3  # short texts: a few words either way are never a length problem

_COMPLETE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]\u00bb*_]*$|[\"\u201d\u00bb)]$")


def check(action: str, source: str, output: str, *, final: bool = True) -> list[GuardWarning]:
    """Warnings about `output`, the model's result of `action` (an action id) on `source`.

    With `final=False` (a reply still streaming) only what cannot get better is checked: markup,
    chatter, loops, the language and a length already too long. Raises `KeyError` for an unknown
    action.
    """
    if action not in ACTIONS:
        raise KeyError(f"unknown rewrite action {action!r} (known: {', '.join(ACTIONS)})")
    source, output = gt.normalise(source), gt.normalise(output)
    if not output.strip():
        if final and source.strip():
            return [GuardWarning("empty", "the result is empty", "reject")]
        return []
    warnings = [*_markup(source, output), *_chatter(action, source, output), *_loop(source, output)]
    warnings += _language(action, source, output, final)
    if action == "continue":
        if not final:
            return warnings
        return warnings + _cut_off(source, output) + _continuation(source, output)
    warnings += _length(action, source, output, final)
    if not final:
        return warnings
    warnings += _cut_off(source, output)
    source_sentences, output_sentences = gt.sentences(source), gt.sentences(output)
    if action != "summarize":
        warnings += _dropped(action, source_sentences, output_sentences)
    if action == "grammar":
        warnings += _words_lost(source_sentences, output)
    warnings += _numbers(action, source, output)
    warnings += _names_and_dates(action, source, output)
    warnings += _negation(action, source_sentences, output_sentences)
    return warnings


def verdict(warnings: list[GuardWarning]) -> Literal["ok", "warn", "reject"]:
    """The overall result: "reject" if any warning rejects, "warn" if any warns, else "ok"."""
    if any(w.severity == "reject" for w in warnings):
        return "reject"
    return "warn" if warnings else "ok"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _markup(source: str, output: str) -> list[GuardWarning]:
    found = gt.surplus(gt.TAG, source, output) + gt.surplus(gt.FENCE, source, output)
    found += [label.strip(" *_#>") for label in gt.surplus(gt.LABEL, source, output)]
    warnings = []
    if found:
        shown = ", ".join(found[:3])
        warnings.append(
            GuardWarning("markup", f"markup the original does not have: {shown}", "reject", shown)
        )
    markdown = gt.surplus(gt.MARKDOWN, source, output)
    if markdown:
        warnings.append(
            GuardWarning(
                "formatting", "formatting marks added (** or #)", "warn", ", ".join(markdown[:3])
            )
        )
    return warnings


def _chatter(action: str, source: str, output: str) -> list[GuardWarning]:
    warnings = []
    refusal = gt.surplus(gt.REFUSAL, source, output)
    if refusal:
        warnings.append(
            GuardWarning("refusal", f"the model refused: “{refusal[0]}…”", "reject", refusal[0])
        )
    commentary = gt.surplus(gt.COMMENTARY, source, output)
    if commentary:
        # A summary may fairly say "The text is about…"; a rewrite must not.
        severity: Severity = "warn" if action == "summarize" else "reject"
        message = f"the model comments on the text: “{commentary[0]}…”"
        warnings.append(GuardWarning("commentary", message, severity, commentary[0]))
    chatter = gt.surplus(gt.CHATTER, source, output)
    # A short opening line ending in a colon ("more concisely:") that the source lacks is the
    # model's label for its answer, whatever words it uses.
    label, *rest = output.lstrip().split("\n", 1)
    if rest and label.rstrip().endswith(":") and len(label.split()) <= 6 and label not in source:
        chatter = [*chatter, label.strip()]
    if chatter:
        warnings.append(
            GuardWarning(
                "chatter",
                f"the model's own remarks are left in: “{chatter[0]}…”",
                "reject",
                ", ".join(chatter),
            )
        )
    return warnings


def _loop(source: str, output: str) -> list[GuardWarning]:
    """A sentence said again (more often than the source says it), or a phrase going round."""
    source_sentences = Counter(" ".join(gt.words(s)) for s in gt.sentences(source))
    counted = Counter(" ".join(gt.words(s)) for s in gt.sentences(output))
    for key, count in counted.items():
        size = len(key.split())
        surplus = count - max(source_sentences[key], 1)
        if size >= 3 and surplus >= (1 if size >= 5 else 2):
            return [GuardWarning("loop", "a sentence repeats in a loop", "reject", _excerpt(key))]
    out_words, source_words = gt.words(output), gt.words(source)
    for size, allowed in ((6, 1), (3, 3)):
        grams = Counter(tuple(out_words[i : i + size]) for i in range(len(out_words) - size + 1))
        for gram, count in grams.items():
            if count <= allowed:
                continue
            if sum(not gt.is_function_word(w) for w in gram) < (3 if size == 6 else 1):
                continue
            source_count = sum(source_words[i : i + size] == gram for i in range(len(source_words)))
            if count - max(source_count, 1) >= allowed:
                phrase = " ".join(gram)
                message = f"a phrase repeats in a loop: “{phrase}”"
                return [GuardWarning("loop", message, "reject", phrase)]
    return []


def _language(action: str, source: str, output: str, final: bool) -> list[GuardWarning]:
    if not final and len(gt.words(output)) < 20:
        return []
    before, after = gf.language(source), gf.language(output)
    if before and after and before != after:
        # A custom instruction may ask for a translation; then the writer decides.
        severity: Severity = "warn" if action == "custom" else "reject"
        return [
            GuardWarning(
                "language", f"the result is in {after}, the original in {before}", severity
            )
        ]
    return []


def _length(action: str, source: str, output: str, final: bool) -> list[GuardWarning]:
    low, high = LENGTH_BOUNDS[action]
    count, result = len(gt.words(source)), len(gt.words(output))
    if count == 0:
        return []
    ratio = result / count
    expected = f"up to {high:g}×" if low == 0 else f"{low:g}–{high:g}×"
    if result > high * count + _LENGTH_SLACK_WORDS:
        severity: Severity = "reject" if ratio > high * 1.5 else "warn"
        message = f"longer than expected: {ratio:.1f}× the original ({expected})"
    elif final and result < low * count - _LENGTH_SLACK_WORDS:
        severity = "reject" if ratio < low * 0.6 else "warn"
        message = f"shorter than expected: {ratio:.1f}× the original ({expected})"
    else:
        return []
    if not final and severity == "warn":
        return []
    return [GuardWarning("length", message, severity, f"{result} words for {count}")]


def _cut_off(source: str, output: str) -> list[GuardWarning]:
    if _COMPLETE.search(source.rstrip()) and not _COMPLETE.search(output.rstrip()):
        last = gt.sentences(output)[-1]
        return [GuardWarning("cut_off", "the result stops mid-sentence", "reject", _excerpt(last))]
    return []


def _dropped(
    action: str, source_sentences: tuple[str, ...], output_sentences: tuple[str, ...]
) -> list[GuardWarning]:
    """Source sentences whose distinctive words are mostly absent from the output. Where the
    action changes the wording (formal, friendly, custom), a sentence that is the mutual best
    match of an output sentence sharing two or more content words has its counterpart too."""
    left = [gf.content_stems(s) for s in source_sentences]
    right = [gf.content_stems(s) for s in output_sentences]
    present = frozenset().union(*right)
    share = _KEEP_SHARE[action]
    rescued: set[int] = set()
    if action in ("formal", "friendly", "custom"):
        forward, backward = gt.best_matches(left, right, 0.2), gt.best_matches(right, left, 0.2)
        rescued = {
            i
            for i, j in enumerate(forward)
            if j is not None and backward[j] == i and len(left[i] & right[j]) >= 2
        }
    lost = [
        source_sentences[i]
        for i, keys in enumerate(gt.distinctive(left))
        if keys and i not in rescued and gt.kept_share(keys, present) < share
    ]
    if not lost:
        return []
    detail = " / ".join(_excerpt(s, 60) for s in lost)
    return [GuardWarning("dropped", f"{_plural(len(lost), 'sentence')} dropped", "reject", detail)]


def _words_lost(source_sentences: tuple[str, ...], output: str) -> list[GuardWarning]:
    """A grammar fix keeps the writer's words: two or more content words gone is a loss (a
    misspelling corrected, even into a small word such as "because", is not)."""
    present = gf.content_stems(output) | {gt.stem(w) for w in gt.words(output)}
    lost: dict[str, str] = {}
    for sentence in source_sentences:
        keys = gf.content_stems(sentence)
        for part in (p for w in gt.words(sentence) for p in w.split("-")):
            key = gt.stem(part)
            if key in keys and key not in lost and not gt.kept_share(frozenset([key]), present):
                lost[key] = part
    if len(lost) < 2:
        return []
    shown = ", ".join(list(lost.values())[:4])
    return [GuardWarning("words_lost", f"words left out: {shown}", "reject", shown)]


def _numbers(action: str, source: str, output: str) -> list[GuardWarning]:
    before, after = gf.numbers(source), gf.numbers(output)
    values_before = Counter(n.value for n in before)
    values_after = Counter(n.value for n in after)
    missing = [n for n in before if values_after[n.value] < values_before[n.value]]
    new = [n for n in after if values_before[n.value] < values_after[n.value]]
    missing = list({n.value: n for n in missing}.values())
    new = list({n.value: n for n in new}.values())
    warnings = []
    for number in new:
        # Pair a new number with a lost one written before the same word ("87 churches"), or
        # with the first lost one left: "a number changed: 87 → 400".
        partner = next((m for m in missing if m.after and m.after == number.after), None)
        partner = partner or (missing[0] if missing else None)
        if partner is not None:
            missing.remove(partner)
            message = f"a number changed: {partner.shown} → {number.shown}"
            warnings.append(GuardWarning("number_changed", message, "reject"))
        else:
            warnings.append(GuardWarning("number_new", f"a new number: {number.shown}", "reject"))
    if action != "summarize" and missing:
        shown = ", ".join(n.shown for n in missing)
        label = "a number is missing" if len(missing) == 1 else "numbers are missing"
        warnings.append(GuardWarning("number_missing", f"{label}: {shown}", "reject"))
    return warnings


def _names_and_dates(action: str, source: str, output: str) -> list[GuardWarning]:
    names_before, dates_before = gf.names_and_dates(source)
    names_after, dates_after = gf.names_and_dates(output)
    keys_before, keys_after = gf.word_keys(source), gf.word_keys(output)
    warnings = []
    new_dates = [d for d in dict.fromkeys(dates_after) if d not in keys_before]
    lost_dates = [d for d in dict.fromkeys(dates_before) if d not in keys_after]
    if new_dates and lost_dates:
        message = f"a date changed: {lost_dates[0].title()} → {new_dates[0].title()}"
        warnings.append(GuardWarning("date_changed", message, "reject"))
    elif new_dates:
        warnings.append(GuardWarning("date_new", f"a new date: {new_dates[0].title()}", "reject"))
    elif lost_dates and action != "summarize":
        shown = ", ".join(d.title() for d in lost_dates)
        warnings.append(GuardWarning("date_missing", f"a date is missing: {shown}", "warn"))
    new = [n for n in dict.fromkeys(names_after) if _unknown(n, keys_before)]
    if new:
        warnings.append(GuardWarning("name_new", f"a name is new: {', '.join(new[:3])}", "warn"))
    lost = [n for n in dict.fromkeys(names_before) if _unknown(n, keys_after)]
    if lost and action != "summarize":
        label = "a name is missing" if len(lost) == 1 else "names are missing"
        warnings.append(GuardWarning("name_missing", f"{label}: {', '.join(lost[:3])}", "warn"))
    return warnings


def _unknown(name: str, keys: frozenset[str]) -> bool:
    """True if some word of `name` is nowhere in the text `keys` come from, in any form."""
    parts = [gf.name_key(part) for word in name.split() for part in word.split("-")]
    return any(p not in keys and "~" + gt.stem(p) not in keys for p in parts)


def _negation(
    action: str, source_sentences: tuple[str, ...], output_sentences: tuple[str, ...]
) -> list[GuardWarning]:
    """Sentences that say "not" on one side only, compared over aligned groups of sentences
    (so a negation that moved into a merged or split sentence is not a flip)."""
    left = [gf.content_stems(s) for s in source_sentences]
    right = [gf.content_stems(s) for s in output_sentences]
    minimum = 0.5 if action == "summarize" else 0.3
    severity: Severity = "warn" if action in ("friendly", "custom") else "reject"
    for mine, theirs in gt.aligned_groups(left, right, minimum):
        before = [source_sentences[i] for i in mine]
        after = [output_sentences[j] for j in theirs]
        if not before or not after:
            continue
        was, now = any(map(gt.negated, before)), any(map(gt.negated, after))
        negative, positive = (" ".join(before), " ".join(after))[:: 1 if was else -1]
        if was != now and not gt.negation_moved_into_a_word(negative, positive):
            change = "lost" if was else "added"
            sentence = _excerpt((before if was else after)[0])
            message = f"a negation was {change}; the meaning may be reversed"
            return [GuardWarning("negation", message, severity, sentence)]
    return []


def _continuation(source: str, output: str) -> list[GuardWarning]:
    """Continue writing must add text, not say again what came before."""
    source_keys = [gf.content_stems(s) for s in gt.sentences(source)]
    everything = set().union(*source_keys) if source_keys else set()
    sentences = gt.sentences(output)
    restated = []
    for sentence in sentences:
        keys = gf.content_stems(sentence)
        if len(keys) < 3:
            continue
        closest = max((len(keys & s) / len(keys) for s in source_keys), default=0.0)
        if closest >= 0.7 or len(keys & everything) / len(keys) >= 0.85:
            restated.append(sentence)
    warnings = []
    if restated:
        severity: Severity = "reject" if 2 * len(restated) >= len(sentences) else "warn"
        message = f"{_plural(len(restated), 'sentence')} repeat the text before it"
        if len(restated) == 1:
            message = "1 sentence repeats the text before it"
        warnings.append(GuardWarning("restated", message, severity, _excerpt(restated[0])))
    if len(gf.content_stems(output) - everything) < 3:
        warnings.append(GuardWarning("no_new_text", "it adds no new text", "reject"))
    # New words are the point; new facts are the writer's to check, as inline suggestions'.
    known, have = gf.word_keys(source), {n.value for n in gf.numbers(source)}
    numbers = [n.shown for n in gf.numbers(output) if n.value not in have]
    names, dates = gf.names_and_dates(output)
    facts = [*dict.fromkeys(numbers)] + [n for n in dict.fromkeys(names) if _unknown(n, known)]
    facts += [d.title() for d in dict.fromkeys(dates) if d not in known]
    if facts:
        message = f"not in the text before, check: {', '.join(facts[:3])}"
        warnings.append(GuardWarning("new_fact", message, "warn"))
    return warnings
