"""The document-aware parts of `inkling bench gate`, each measured on its own.

At the gate's current threshold, the same prompts and pieces are judged under six policies:

- `model`: the model and the gate alone (the baseline);
- `finish`: + the rest of the word being typed, alone, when the model is sure of that word
  but not of what follows (`document_aware.finish`);
- `words`: + completing the word being typed from the document's vocabulary, when the model
  shows nothing (`DocumentModel.complete_word`);
- `phrases`: + the document's n-grams: the model's first word is shown when its probability
  blended with the document's share of it after the same words passes the gate;
- `continue`: `phrases`, and when the model shows nothing a phrase the document already uses
  is offered (`continuation`): measured, but off in the app (3 right of 23 on held-out Austen);
- `facts`: + hiding suggestions whose first words bring in a number, date or name new to the
  document (`introduces_new_fact`), unless the model is at least FACT_OVERRIDE_PROB sure;
- `facts_cut`: the same, but cutting the suggestion just before the new fact
  (`fact_free_prefix`) instead of hiding all of it;
- `all`: finish, words, phrases and facts_cut together: the app's own set.

Each reports the gate's figures in both views, `invented_shown` (suggestions shown at pauses
whose first words bring in something new to the document, whatever the policy), and for the
writer's view `saved_ratio` (characters saved / characters typed, a Tab or Ctrl+Right costing
one) and what each source saved. `alternatives` says how often the next word was among up to
three candidates from the same generation: the greedy suggestion and the runners-up of its
first token (completed from the document when they are only the start of a word).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from desktop_app.bench.typing_script import first_word, pause_points, writer_takes
from desktop_app.inline.document_aware import FINISH_MIN_PROB, finish, gate_prob, judged_word
from desktop_app.inline.document_counts import BOUNDARY, TOKEN
from desktop_app.inline.document_model import DocumentModel, blend
from desktop_app.inline.facts import FACT_OVERRIDE_PROB, fact_free_prefix, introduces_new_fact
from desktop_app.inline.prompt import evaluate


@dataclass(frozen=True)
class Policy:
    """Which document-aware parts are on."""

    finish: bool = False
    finish_at: float = FINISH_MIN_PROB  # how sure of the word being typed the model must be
    words: bool = False
    phrases: bool = False
    continue_phrases: bool = False
    facts: str = ""  # "hide" the suggestion, or "cut" it before the new fact


VARIANTS = {
    "model": Policy(),
    "finish": Policy(finish=True),
    "words": Policy(words=True),
    "phrases": Policy(phrases=True),
    "continue": Policy(phrases=True, continue_phrases=True),
    "facts": Policy(facts="hide"),
    "facts_cut": Policy(facts="cut"),
    "all": Policy(finish=True, words=True, phrases=True, facts="cut"),
}


class DocumentAt:
    """The document model of `context` plus the first `typed` characters of `body`, kept up to
    date as a view types forward, as the editor would report edits.

    Only the current line's text after its last phrase end is re-counted per step (n-grams
    never cross one, so counting a line in those two parts gives the same counts), which
    keeps a step cheap on long paragraphs.
    """

    def __init__(self, context: str, body: str) -> None:
        self.context, self.body = context, body
        self.reset()

    def reset(self) -> None:
        """Back to the context alone."""
        self.model = DocumentModel(self.context)
        self.typed = 0
        self.block = self.context.count("\n")
        self.tail = _after_last_end(self.context.rsplit("\n", 1)[-1])

    def at(self, typed: int) -> DocumentModel:
        """The model once `typed` characters of the body are in."""
        if typed < self.typed:
            self.reset()
        if typed > self.typed:
            lines = (self.tail + self.body[self.typed : typed]).split("\n")
            self.model.update_paragraph(self.block, self.tail, lines[0])
            for line in lines[1:]:
                self.block += 1
                self.model.update_paragraph(self.block, "", line)
            self.tail, self.typed = _after_last_end(lines[-1]), typed
        return self.model

    def before(self, typed: int) -> str:
        """The last few hundred characters before the cursor."""
        text = self.context[-400:] + self.body[:typed]
        return text[-400:]


def _after_last_end(line: str) -> str:
    """The part of `line` after its last phrase end (the whole line when it has none)."""
    ends = [m.end() for m in TOKEN.finditer(line) if m.group(0) in BOUNDARY]
    return line[ends[-1] :] if ends else line


def suggest(prompts, docs: DocumentAt, typed: int, threshold: float, policy: Policy):
    """(text shown, its source: "model" | "finish" | "blend" | "phrase" | "word" | "") once `typed`
    characters are in."""
    prompt, pieces = prompts.at(typed)
    if prompt is None:
        return "", ""
    doc, before = docs.at(typed), docs.before(typed)
    verdict, text = evaluate(prompt, pieces, threshold, final=True)
    shown, source = (text, "model") if verdict in ("show", "done") and text.strip() else ("", "")
    prob = gate_prob(prompt, pieces)
    if policy.finish and not shown:
        shown = finish(prompt, pieces, policy.finish_at)
        source = "finish" if shown else ""
    if policy.phrases and not shown:
        verdict, text = evaluate(prompt, pieces, 0.0, final=True)
        judged = judged_word(prompt, text) if text.strip() and prob is not None else None
        if judged and blend(prob, doc.phrase_share(judged[0], judged[1])) >= threshold:
            shown, source = text, "blend"
        elif policy.continue_phrases and not prompt.typed.strip():  # in a word: `words`
            shown = doc.continuation(before)
            source = "phrase" if shown.strip() else ""
    if policy.words and not shown:
        partial = TOKEN.findall(before[-60:])[-1:] if before[-1:].isalnum() else []
        word = doc.complete_word(partial[0]) if partial and before.endswith(partial[0]) else None
        if word:
            shown, source = word[len(partial[0]) :], "word"
    sure = source == "model" and prob is not None and prob >= FACT_OVERRIDE_PROB
    if policy.facts and shown and not sure:
        kept = fact_free_prefix(shown, doc, before=before)
        if kept != shown:
            shown = kept if policy.facts == "cut" else ""
            source = source if shown else ""
    return shown, source


def every_pause(prompts, docs, threshold, policy) -> list[tuple[str, str, str, bool]]:
    """(shown, next word, source, brings in a new fact) at every pause point."""
    prompts.anchor = None
    docs.reset()
    records = []
    for i in pause_points(prompts.body):
        shown, source = suggest(prompts, docs, i + 1, threshold, policy)
        new = bool(shown) and bool(
            introduces_new_fact(shown, docs.at(i + 1), before=docs.before(i + 1))
        )
        records.append((shown, first_word(prompts.body[i + 1 :]), source, new))
    return records


def as_writer(prompts, docs, threshold, policy) -> tuple[list, dict[str, int], dict]:
    """The records at the pauses the typing replay's writer makes (as `gate.as_writer`), the
    characters each source saved them, and each source's offers: {source: [shown, taken]},
    counting every new suggestion shown at any keystroke, and those the writer took a word of
    or more (an offer is the writer's chance to read it, taken or not)."""
    prompts.anchor = None
    docs.reset()
    body = prompts.body
    pauses = set(pause_points(body))
    records = []
    saved: dict[str, int] = {}
    offers: dict[str, list[int]] = {}
    taken_yet = False

    def ask(at: int, kept: str) -> tuple[str, str]:
        nonlocal taken_yet
        found, source = suggest(prompts, docs, at, threshold, policy)
        if found and found != kept:  # new, not the rest of the one before
            offers.setdefault(source, [0, 0])[0] += 1
            taken_yet = False
        return found, source

    typed = 0
    shown, source = ask(typed, "")
    paused = False
    while typed < len(body):
        if paused:
            new = bool(shown) and bool(
                introduces_new_fact(shown, docs.at(typed), before=docs.before(typed))
            )
            records.append((shown, first_word(body[typed:]), source, new))
        how, taken = writer_takes(shown, body[typed:])
        if how:
            typed += len(taken)
            saved[source] = saved.get(source, 0) + len(taken) - 1
            if not taken_yet:
                offers.setdefault(source, [0, 0])[1] += 1
                taken_yet = True
            shown = shown[len(taken) :]
            if not shown:
                shown, source = ask(typed, "")
        else:
            char = body[typed]
            typed += 1
            typed_through = shown.startswith(char)
            shown = shown[1:] if typed_through else ""
            if not typed_through or not shown or char.isspace():
                shown, source = ask(typed, shown)
        paused = typed - 1 in pauses
    return records, saved, offers


def variant_figures(records, chars: int | None = None, saved: dict | None = None) -> dict:
    """The gate's figures plus invented_shown, what was shown by source, and saved_ratio."""
    from desktop_app.bench.gate import figures

    out = figures([(shown, word) for shown, word, _source, _new in records])
    out["invented_shown"] = sum(new for *_rest, new in records)
    by_source: dict[str, list[int]] = {}
    for shown, word, source, _new in records:
        if shown:
            tally = by_source.setdefault(source, [0, 0])
            tally[0] += 1
            tally[1] += first_word(shown) == word
    out["shown_by_source"] = {k: {"shown": v[0], "correct": v[1]} for k, v in by_source.items()}
    if saved is not None and chars:
        out["saved_chars"] = sum(saved.values())
        out["saved_ratio"] = out["saved_chars"] / chars
        out["saved_by_source"] = saved
    return out


def alternatives(prompts, docs: DocumentAt, threshold: float, k: int = 3) -> dict | None:
    """How often the next word was the greedy suggestion, or among `k` candidates, at every
    pause (ungated, as for Alt+\\), and among the pauses where the gate showed one."""
    if not prompts.top_k:
        return None
    prompts.anchor = None
    docs.reset()
    pauses = top1 = hit = shown_n = shown_hit = 0
    for i in pause_points(prompts.body):
        prompt, pieces = prompts.at(i + 1)
        if prompt is None or prompt.typed.strip():
            continue
        word = first_word(prompts.body[i + 1 :])
        doc, before = docs.at(i + 1), docs.before(i + 1)
        _verdict, greedy = evaluate(prompt, pieces, 0.0, final=True)
        candidates = [first_word(greedy)] if greedy.strip() else []
        for token, _prob in prompts.top_k.get(prompt.prompt, [])[1:k]:
            candidates.append(_whole_word(token, doc, before))
        candidates = list(dict.fromkeys(c for c in candidates if c))[:k]
        pauses += 1
        top1 += bool(candidates) and candidates[0] == word
        hit += word in candidates
        verdict, text = evaluate(prompt, pieces, threshold, final=True)
        if verdict in ("show", "done") and text.strip():
            shown_n += 1
            shown_hit += word in candidates
    return {
        "k": k,
        "pauses": pauses,
        "top1_hit": top1 / pauses if pauses else 0.0,
        "alternatives_hit": hit / pauses if pauses else 0.0,
        "shown": shown_n,
        "alternatives_hit_when_shown": shown_hit / shown_n if shown_n else 0.0,
    }


def _whole_word(token: str, doc: DocumentModel, before: str) -> str:
    """A runner-up first token as the writer would see it: completed from the document's
    words after the same context when it only starts a word ("Eliz" → "Elizabeth")."""
    stem = first_word(token)
    if not stem or not token[:1].isspace():
        return ""  # it goes on with the word before, or is punctuation: no next word
    if doc.contains(stem):
        return stem
    found = doc.followers(before + stem, limit=1)
    if found and found[0].word != stem and found[0].share >= 0.5:
        return first_word(found[0].word)
    return first_word(doc.complete_word(stem, typing=False) or stem)


def measure(prompts, threshold: float, history: str | None = None, finish_at=None) -> dict:
    """Every variant in both views, and the alternatives, at `threshold`.

    `history` is all of the document before the typed body (it ends with the prompts'
    context): the app's document model knows the whole document, not just the prompt window.
    """
    docs = DocumentAt(history if history is not None else prompts.context, prompts.body)
    finish_at = FINISH_MIN_PROB if finish_at is None else finish_at
    out: dict = {"threshold": threshold, "document_chars": len(docs.context), "variants": {}}
    out["finish_threshold"] = finish_at
    for name, policy in VARIANTS.items():
        policy = replace(policy, finish_at=finish_at)
        writer, saved, offers = as_writer(prompts, docs, threshold, policy)
        out["variants"][name] = {
            "every_pause": variant_figures(every_pause(prompts, docs, threshold, policy)),
            "as_writer": variant_figures(writer, len(prompts.body), saved),
        }
        out["variants"][name]["as_writer"]["offers"] = {
            source: {"shown": shown, "taken": taken} for source, (shown, taken) in offers.items()
        }
    out["alternatives"] = alternatives(prompts, docs, threshold)
    return out


def print_figures(result: dict) -> None:
    """One row per variant."""
    print(f"Document-aware parts at threshold {result['threshold']:.2f} (as the writer)")
    print(
        f"  {'variant':<9} {'coverage':>8} {'precision':>9} {'saved':>6} {'invented':>8}  sources"
    )
    for name, views in result["variants"].items():
        w, e = views["as_writer"], views["every_pause"]
        sources = ", ".join(
            f"{k} {v['correct']}/{v['shown']}" for k, v in w["shown_by_source"].items()
        )
        taken = ", ".join(f"{k} {v['taken']}/{v['shown']}" for k, v in w["offers"].items())
        sources += f"; offers taken: {taken}"
        print(
            f"  {name:<9} {w['coverage']:>8.2f} {w['precision']:>9.2f} {w['saved_ratio']:>6.3f}"
            f" {w['invented_shown']:>4}/{e['invented_shown']:<3}  {sources}"
        )
    alt = result.get("alternatives")
    if alt:
        print(
            f"  next word among {alt['k']} candidates: {alt['alternatives_hit']:.2f} of"
            f" {alt['pauses']} pauses (greedy alone {alt['top1_hit']:.2f});"
            f" when shown {alt['alternatives_hit_when_shown']:.2f} of {alt['shown']}"
        )
