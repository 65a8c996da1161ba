"""The facts a rewrite must keep, for the rewrite guard: numbers, dates, names and the language.

Numbers are compared by value, so "eighty-seven" and "87" are one number and "thirteen thousand"
is 13000; names by their lowercase form, so a capital that a grammar fix added is not a new name;
the language by a profile of function words only one language uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from desktop_app.rewrite.guard.text import (
    WORD,
    is_function_word,
    sentences,
    stem,
    words,
)

_OPENERS = "\"'\u201c\u201d([:\u00ab"
_UNIT_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_UNITS = {word: value for value, word in enumerate(_UNIT_WORDS.split())}
_TEN_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety"
_TENS = {word: 10 * (index + 2) for index, word in enumerate(_TEN_WORDS.split())}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_NUMBER_WORDS = {**_UNITS, **_TENS}
_ANY_NUMBER = re.compile(
    r"\d|\b(?:" + "|".join([*_NUMBER_WORDS, *_SCALES]) + r")(?![^\W\d_])", re.IGNORECASE
)
_NUMBER_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[^\W\d_]+(?:-[^\W\d_]+)*")
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = frozenset(_MONTH_NAMES.split())
_WEEKDAY_NAMES = "monday tuesday wednesday thursday friday saturday sunday"
_WEEKDAYS = frozenset(_WEEKDAY_NAMES.split())
# One spelling for the short and long forms of a title inside a name ("St Paul's", "Saint Paul's").
_NAME_ALIASES = {"saint": "st", "mount": "mt", "doctor": "dr", "mister": "mr"}


@lru_cache(maxsize=512)
def content_stems(text: str) -> frozenset[str]:
    """The stems of the words in `text` that carry meaning, plus "#87"-style keys for numbers."""
    keys = {"#" + n.value for n in numbers(text)}
    for word in words(text):
        for part in word.split("-"):
            if part.isdigit() or part in _NUMBER_WORDS or part in _SCALES:
                continue  # numbers are compared by value, above
            if len(part) > 1 and not is_function_word(part):
                keys.add(stem(part))
    return frozenset(keys)


@dataclass(frozen=True)
class Number:
    """One number in a text: its value as a key ("13000", "2.5"), how it was written, and the word
    after it (to pair a changed number with the one it replaced)."""

    value: str
    surface: str
    after: str

    @property
    def shown(self) -> str:
        """How to show the number to the writer: as written, with digits if it was spelled out."""
        if self.surface[:1].isdigit():
            return self.surface
        digits = f"{int(self.value):,}" if self.value.isdigit() else self.value
        return f"{self.surface} ({digits})"


def _value_key(value: float) -> str:
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return f"{value:g}"


@lru_cache(maxsize=512)
def numbers(text: str) -> tuple[Number, ...]:
    """The numbers of `text` in order: digits ("13,000", "1666", "2nd") and number words
    ("thirteen thousand", "eighty-seven", "two hundred and fifty"); a lone "one" is not counted,
    since it is usually a pronoun ("no one", "the one I liked")."""
    if not _ANY_NUMBER.search(text):
        return ()
    tokens = [(m.group().lower(), m.start(), m.end()) for m in _NUMBER_TOKEN.finditer(text)]
    found: list[Number] = []
    index = 0
    while index < len(tokens):
        token, start, _ = tokens[index]
        end_index = index
        if token[0].isdecimal():
            plain = token.replace(",", "")
            # Whole numbers stay ints, so a 400-digit run cannot overflow a float.
            value: float = float(plain) if "." in plain else int(plain)
            nxt = tokens[index + 1][0] if index + 1 < len(tokens) else ""
            if nxt in _SCALES:
                value = round(value * _SCALES[nxt], 3)  # 1.1 million is 1100000, not …0002
                end_index = index + 1
        elif token == "a" or token.split("-")[0] in _NUMBER_WORDS:
            value, end_index = _parse_words(tokens, index)
            if value is None:
                index += 1
                continue
        else:
            index += 1
            continue
        following = tokens[end_index + 1 : end_index + 4]
        after = next(
            (
                t
                for t, _, _ in following
                if len(t) > 2 and t.isalpha() and not (is_function_word(t))
            ),
            "",
        )
        surface = text[start : tokens[end_index][2]]
        found.append(Number(_value_key(value), surface, stem(after) if after else ""))
        index = end_index + 1
    return tuple(found)


def _parse_words(tokens: list[tuple[str, int, int]], index: int) -> tuple[int | None, int]:
    """The value of the number words starting at `tokens[index]`, and the index of the last one."""
    total = current = 0
    used = []
    position = index
    if tokens[index][0] == "a" and index + 1 < len(tokens) and tokens[index + 1][0] in _SCALES:
        current, position = 1, index + 1
        used.append("a")
    while position < len(tokens):
        parts = tokens[position][0].split("-")
        if all(p in _NUMBER_WORDS for p in parts):
            current += sum(_NUMBER_WORDS[p] for p in parts)
        elif parts[0] in _SCALES and len(parts) == 1:
            if not used:
                break
            scale = _SCALES[parts[0]]
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scale
                current = 0
        elif (
            parts[0] == "and"
            and used
            and used[-1] in _SCALES
            and position + 1 < len(tokens)
            and tokens[position + 1][0].split("-")[0] in _NUMBER_WORDS
        ):
            position += 1
            continue
        else:
            break
        used.append(parts[0])
        position += 1
    if not used or used == ["one"] or used == ["a"]:
        return None, index
    return total + current, position - 1


@lru_cache(maxsize=512)
def names_and_dates(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The capitalised names of `text` (as phrases, "Pudding Lane") and its month and weekday words.

    A capitalised word inside a sentence is a name; one that starts a sentence (or a quotation)
    only if the text also capitalises it inside a sentence.
    """
    candidates: list[list[tuple[str, bool]]] = []  # runs of (word, starts a sentence)
    dates: list[str] = []
    inner_caps: set[str] = set()
    for sentence in sentences(text):
        run: list[tuple[str, bool]] = []
        previous_end = 0
        for position, match in enumerate(WORD.finditer(sentence)):
            word, gap = match.group(), sentence[previous_end : match.start()]
            previous_end = match.end()
            # After an opener a word may be capitalised for the quote; an acronym never is.
            acronym = len(word) > 1 and word.isupper()
            initial = position == 0 or (not acronym and any(c in _OPENERS for c in gap))
            if any(c in ",;.!?" or c in _OPENERS for c in gap) and run:
                candidates.append(run)
                run = []
            lower = word.lower()
            if not word[0].isupper() or lower in ("i", "i'm", "i'd", "i've", "i'll"):
                if run:
                    candidates.append(run)
                    run = []
                continue
            is_month = lower in _MONTHS and (lower != "may" or _next_to_digit(sentence, match))
            if is_month or lower in _WEEKDAYS:
                dates.append(lower)
                if run:
                    candidates.append(run)
                    run = []
                continue
            if not initial:
                inner_caps.add(lower)
            run.append((word, initial))
        if run:
            candidates.append(run)
    names: list[str] = []
    for run in candidates:
        kept = [
            word
            for word, initial in run
            if not is_function_word(word.lower()) and (not initial or word.lower() in inner_caps)
        ]
        if kept:
            names.append(" ".join(kept))
    return tuple(names), tuple(dates)


def _next_to_digit(sentence: str, match: re.Match[str]) -> bool:
    around = sentence[max(0, match.start() - 4) : match.end() + 4]
    return any(c.isdigit() for c in around)


def name_key(word: str) -> str:
    """How a name word is compared: lowercase, without a possessive, "Saint" as "St"."""
    word = word.lower().removesuffix("'s").rstrip(".")
    return _NAME_ALIASES.get(word, word)


@lru_cache(maxsize=512)
def word_keys(text: str) -> frozenset[str]:
    """Every word of `text` as `name_key` and `stem` give it, to look a name up in any form."""
    parts = [name_key(part) for w in words(text) for part in w.split("-")]
    return frozenset(parts + ["~" + stem(part) for part in parts])


# Function words that only one of these languages uses (shared ones such as "de" are left out).
_LANGUAGES = {
    "English": "the and of to is that it was for with his they you are this have be at from which",
    "French": "le les des est une dans pour pas qui sur avec au aux du ce cette sont nous vous mais",
    "German": "der das und ist nicht ein eine zu mit sich auf für dem den von ich wir auch wird",
    "Spanish": "el los las del es una por con para como pero sus más está también fue muy",
    "Italian": "il gli della che è di per non sono più anche questo nel alla dei delle",
    "Portuguese": "os dos não uma com em mais mas são também ao pelo pela você",
    "Dutch": "het een van en dat niet op zijn met voor ook maar als bij er wordt",
}
_PROFILES = {
    name: frozenset(
        w
        for w in listed.split()
        if all(w not in other.split() for o, other in _LANGUAGES.items() if o != name)
    )
    for name, listed in _LANGUAGES.items()
}


@lru_cache(maxsize=512)
def language(text: str) -> str | None:
    """The language `text` is most likely in, by its function words; None if too short to tell.

    Text mostly in a non-Latin script is named by its script ("Cyrillic", "CJK"…).
    """
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 20:
        script = _script(letters)
        if script:
            return script
    counted = words(text)
    scores = {name: sum(w in profile for w in counted) for name, profile in _PROFILES.items()}
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top >= 3 and top >= 2 * second:
        return best
    return None


_SCRIPTS = (
    ("Greek", 0x370, 0x400),
    ("Cyrillic", 0x400, 0x530),
    ("Hebrew", 0x590, 0x600),
    ("Arabic", 0x600, 0x700),
    ("CJK", 0x3040, 0x110000),
)


def _script(letters: list[str]) -> str | None:
    """The non-Latin script most of `letters` are in, if any."""
    if max(letters) < "\u0370":
        return None  # all Latin (the common case), no need to count
    for script, low, high in _SCRIPTS:
        if sum(low <= ord(c) < high for c in letters) > len(letters) / 2:
            return script
    return None


def clear_caches() -> None:
    """Forget every cached measurement (for benchmarks that must measure a cold check)."""
    cached = (words, sentences, stem, content_stems, numbers, names_and_dates, word_keys, language)
    for function in cached:
        function.cache_clear()
