"""Independent measures of what a rewrite kept and changed, for `inkling bench fidelity`.

These counts judge the rewrite guard, so they share none of its code: sentences are split, words
stemmed, numbers and names found here in the plainest way that still works on prose. A source
sentence is retained when most of its content words are in the output; a number or a name is
invented when the output has it and the source has not. Also: markup leaks, loops, word-level
edit distance (for grammar), and a deterministic seeding of spelling and grammar errors.
"""

from __future__ import annotations

import difflib
import random
import re
from collections import Counter
from dataclasses import dataclass

_SENTENCE = re.compile(r"(?<=[.!?;:])[\"')\]\u201d\u2019]*\s+")
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)?")
_DIGITS = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_TOKEN = re.compile(r"\w+(?:['\u2019]\w+)?|[^\w\s]")
_MARKUP = re.compile(r"</?[A-Za-z][^<>]{0,40}>|```|\*\*|^#{1,6}\s|^\s*[-*]\s", re.MULTILINE)
_UP_TO_TWENTY = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
_NUMBER_WORDS = {w: i for i, w in enumerate(_UP_TO_TWENTY.split())} | {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "thousand": 1000,
    "million": 10**6,
}
_FUNCTION_WORDS = """a an the and or but nor so yet of to in on at by for with from as into onto upon about
    than then that this these those there here it its it's is are was were be been being am do
    does did done have has had having will would shall should can could may might must not no
    any all each every some such other another more most less least very also only just even
    which who whom whose what when where why how if unless whether because while though although
    i you he she we they me him her us them my your his our their mine yours ours theirs"""
_STOP = frozenset(_FUNCTION_WORDS.split())
RETAINED_SHARE = 0.5  # a sentence is retained when this share of its content words survive


def sentences(text: str) -> list[str]:
    """The sentences (and colon/semicolon clauses) of `text`."""
    return [s.strip() for s in _SENTENCE.split(" ".join(text.split())) if s.strip()]


def _stem(word: str) -> str:
    word = word.lower().replace("\u2019", "'")
    for suffix in ("'s", "ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)][:7]
    return word[:7]


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry content (no function words, no one-letter words)."""
    return {_stem(w) for w in _WORD.findall(text) if len(w) > 2 and w.lower() not in _STOP}


def retention(source: str, output: str) -> tuple[int, int]:
    """(retained, counted): source sentences whose content words mostly survive in `output`."""
    present = content_stems(output)
    kept = counted = 0
    for sentence in sentences(source):
        stems = content_stems(sentence)
        if len(stems) < 2:
            continue
        counted += 1
        kept += len(stems & present) / len(stems) >= RETAINED_SHARE
    return kept, counted


def numbers(text: str) -> Counter[str]:
    """Numbers written with digits or as number words, by value."""
    found: Counter[str] = Counter(d.replace(",", "") for d in _DIGITS.findall(text))
    for word in _WORD.findall(text):
        value = _NUMBER_WORDS.get(word.lower())
        if value is not None:
            found[str(value)] += 1
    return found


def names(text: str) -> set[str]:
    """Capitalised words that do not start a sentence (a plain stand-in for names)."""
    found = set()
    for sentence in sentences(text):
        words = _WORD.findall(sentence)
        found.update(w for w in words[1:] if w[0].isupper() and w != "I" and len(w) > 1)
    return found


def invented_and_lost(source: str, output: str) -> dict[str, int]:
    """Numbers and names the output has that the source has not, and the other way round."""
    before, after = numbers(source), numbers(output)
    source_words = {w.lower() for w in _WORD.findall(source)}
    output_words = {w.lower() for w in _WORD.findall(output)}
    return {
        "numbers_invented": sum((after - before).values()),
        "numbers_lost": sum((before - after).values()),
        "names_invented": sum(1 for n in names(output) if n.lower() not in source_words),
        "names_lost": sum(1 for n in names(source) if n.lower() not in output_words),
    }


def markup_leaks(source: str, output: str) -> int:
    """Markup in the output (tags, fences, bold, headings, bullets) beyond what the source has."""
    return max(0, len(_MARKUP.findall(output)) - len(_MARKUP.findall(source)))


def loops(source: str, output: str) -> bool:
    """True when a sentence or a five-word run repeats in the output more than in the source."""
    said = Counter(" ".join(s.lower().split()) for s in sentences(output))
    before = Counter(" ".join(s.lower().split()) for s in sentences(source))
    if any(n - before[s] >= 1 and n >= 2 and len(s.split()) >= 4 for s, n in said.items()):
        return True
    words_out = [w.lower() for w in _WORD.findall(output)]
    words_in = [w.lower() for w in _WORD.findall(source)]
    runs_out = Counter(tuple(words_out[i : i + 5]) for i in range(len(words_out) - 4))
    runs_in = Counter(tuple(words_in[i : i + 5]) for i in range(len(words_in) - 4))
    return any(n - runs_in[r] >= 2 for r, n in runs_out.items())


def restated_share(source: str, output: str) -> float:
    """Share of the output's sentences whose content words are nearly all in the source."""
    known = content_stems(source)
    said = [content_stems(s) for s in sentences(output)]
    said = [s for s in said if len(s) >= 3]
    if not said:
        return 0.0
    return sum(len(s & known) / len(s) >= 0.8 for s in said) / len(said)


def edit_distance(text: str, reference: str) -> int:
    """Word and punctuation tokens that differ between `text` and `reference` (case counts)."""
    a, b = _TOKEN.findall(text), _TOKEN.findall(reference)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return sum(
        max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"
    )


@dataclass(frozen=True)
class Seeded:
    """A paragraph with errors put in, and the clean paragraph it came from."""

    text: str
    clean: str
    errors: int


_CONFUSIONS = {"their": "there", "its": "it's", "your": "you're", "than": "then", "to": "too"}


def seed_errors(clean: str, count: int, seed: int) -> Seeded:
    """`clean` with `count` typical errors: a confused word, letters swapped, a word doubled."""
    rng = random.Random(seed)
    words = clean.split(" ")
    touched: set[int] = set()
    made = 0
    for attempt in range(count * 20):
        if made == count:
            break
        index = rng.randrange(len(words))
        word = words[index]
        core = word.strip(".,;:!?\"'()")
        if index in touched or not core.isalpha():
            continue
        kind = (made + attempt) % 3
        if kind == 0 and core.lower() in _CONFUSIONS:
            words[index] = word.replace(core, _CONFUSIONS[core.lower()])
        elif kind == 1 and len(core) >= 6:
            at = rng.randrange(1, len(core) - 2)
            swapped = core[:at] + core[at + 1] + core[at] + core[at + 2 :]
            words[index] = word.replace(core, swapped)
        elif kind == 2 and word == core and len(core) >= 3 and core.islower():
            words[index] = f"{word} {word}"
        else:
            continue
        touched.add(index)
        made += 1
    return Seeded(" ".join(words), clean, made)
