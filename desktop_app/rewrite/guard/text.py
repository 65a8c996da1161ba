"""Words, sentences and sentence alignment for the rewrite guard, in plain Python.

Words are compared by a crude stem (plural, -ed, -ing and a final "e" removed, then the first six
letters) so "burned" and "burns" are one word; `near` forgives a misspelling a grammar fix
corrected. `aligned_groups` pairs source and output sentences by shared words, so a sentence that
was merged with another, or split in two, still finds its counterparts. `surplus` finds markup,
chatter or refusals that an output has more often than its source.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache


def _wordset(listed: str) -> frozenset[str]:
    return frozenset(listed.split())


# Curly apostrophes become straight ones before anything is matched.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
WORD = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*|\d+(?:[.,:]\d+)*")
# A sentence ends at . ! ? … (plus closing quotes or brackets) and whitespace, or at a line break.
_BOUNDARY = re.compile(r"(?<=[.!?\u2026])([\"'\u201d\u2019)\]]*)[^\S\n]+|\s*\n\s*")
_ABBREVIATIONS = _wordset(
    "mr mrs ms dr st prof sr jr vs etc eg ie mt inc ltd co gen rev capt lt col sgt fig vol no"
)

STOPWORDS = _wordset(
    """a about above after again against all also although am an and any are as at be because been
    before being below between both but by can could did do does doing down during each even ever
    few for from further had has have having he her here hers herself him himself his how however
    i if in into is it its itself just let like made make many may me might more most much must my
    myself nor of off on once only or other our ours out over own quite rather really same shall she
    should so some still such than that the their theirs them then there these they this those
    though through to too under until up upon us very was we well were what when where whether which
    while who whom whose why will with within would yet you your yours yourself also already almost
    get got go going gone put say said says see seen take taken thing things way one ones"""
)
# Hedges and fillers carry little meaning; a concise rewrite is right to drop them.
FILLERS = _wordset(
    """actually basically honestly probably maybe perhaps really simply literally pretty somewhat
    kind sort lot little bit usually around personally personal opinion think believe feel seems
    just certainly definitely truly quite"""
)
NEGATIONS = _wordset(
    """not no never nobody nothing none nowhere neither nor cannot without dont doesnt didnt isnt
    wasnt werent arent cant couldnt wouldnt shouldnt wont havent hasnt hadnt"""
)


def normalise(text: str) -> str:
    """`text` with Windows line endings and curly apostrophes made plain."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_APOSTROPHES)


@lru_cache(maxsize=512)
def words(text: str) -> tuple[str, ...]:
    """The words (and digit groups) of `text`, lowercase, contractions kept whole."""
    return tuple(w.lower() for w in WORD.findall(text))


@lru_cache(maxsize=512)
def sentences(text: str) -> tuple[str, ...]:
    """`text` split into sentences (a line break also ends one); "Mr." or "J." do not end one."""
    out: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(1) if match.group(1) is not None else match.start()
        if match.group(1) is not None:
            before = re.search(r"([^\W\d_]+)\.$", text[start : match.start(1)])
            if before and (
                before.group(1).lower() in _ABBREVIATIONS
                or (len(before.group(1)) == 1 and before.group(1).isupper())
            ):
                continue
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = match.end()
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return tuple(out)


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """A crude stem: "burned", "burning" and "burns" give one key; so do "houses" and "house"."""
    word = word.lower()
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith(("ed", "ly")):
        word = word[:-2]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word[:6]


def is_function_word(word: str) -> bool:
    """True for a word that carries grammar or hedging rather than content ("the", "didn't")."""
    if word in STOPWORDS or word in FILLERS or word in NEGATIONS or word.endswith("n't"):
        return True
    base, _, suffix = word.partition("'")
    return bool(suffix) and suffix != "s" and base in STOPWORDS


def near(a: str, b: str) -> bool:
    """True if stems `a` and `b` look like one word spelled two ways ("libary", "library"):
    same first letter, and their first five letters one edit or one swap apart."""
    if a[:1] != b[:1] or min(len(a), len(b)) < 4:
        return False
    a, b = a[:5], b[:5]
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        return len(diff) == 1 or (swapped and a[diff[1]] == b[diff[0]])
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and any(
        long[:i] + long[i + 1 :] == short for i in range(len(long))
    )


def negated(text: str) -> bool:
    """True if `text` has a negation ("not", "never", "no", "n't", "without"…)."""
    return any(w in NEGATIONS or w.endswith("n't") for w in words(text))


NEGATIVE_PREFIXES = ("un", "in", "im", "ir", "il", "dis", "non")


def negation_moved_into_a_word(negated_side: str, other_side: str) -> bool:
    """True if `other_side` says the negation with a prefix instead: "not possible" and
    "impossible", "was not happy" and "was unhappy"."""
    plain = {w for w in words(negated_side) if len(w) > 3}
    return any(
        w.startswith(prefix) and w[len(prefix) :] in plain
        for w in words(other_side)
        for prefix in NEGATIVE_PREFIXES
    )


def distinctive(stems: list[frozenset[str]]) -> list[frozenset[str]]:
    """Each sentence's content stems that no other sentence has (all of them if under two)."""
    counts = Counter(k for keys in stems for k in keys)
    own = [frozenset(k for k in keys if counts[k] == 1) for keys in stems]
    return [mine if len(mine) >= 2 else keys for mine, keys in zip(own, stems, strict=True)]


def kept_share(keys: frozenset[str], present: frozenset[str]) -> float:
    """The share of `keys` found in `present`, counting a misspelling fixed ("libary") or a
    negation moved into a prefix ("not happy", "unhappy") as found."""
    share = len(keys & present) / len(keys)
    if share >= 0.5:
        return share  # the slower pass below is only needed to rescue a sentence
    forms = present | {unprefixed(p) for p in present}
    found = sum(
        k in forms or any(near(unprefixed(k), p) or near(k, p) for p in forms) for k in keys
    )
    return found / len(keys)


def unprefixed(stem: str) -> str:
    """`stem` without a negative prefix ("unhapp" gives "happ"), for `kept_share`."""
    prefix = next((x for x in NEGATIVE_PREFIXES if stem.startswith(x)), "")
    return stem[len(prefix) :]


def best_matches(
    left: Sequence[frozenset[str]], right: Sequence[frozenset[str]], minimum: float
) -> list[int | None]:
    """For each key set in `left`, the index of the most similar one in `right` (by Dice
    coefficient, first on a tie), or None when even that one scores under `minimum`."""
    found: list[int | None] = []
    for keys in left:
        top, top_score = None, minimum
        for index, other in enumerate(right):
            if keys and other:
                score = 2 * len(keys & other) / (len(keys) + len(other))
                if score > top_score or (top is None and score == top_score):
                    top, top_score = index, score
        found.append(top)
    return found


def aligned_groups(
    left: Sequence[frozenset[str]], right: Sequence[frozenset[str]], minimum: float
) -> list[tuple[list[int], list[int]]]:
    """Groups of (left indices, right indices) joined by best matches in either direction, so a
    sentence merged with another, or split in two, lands in one group with its counterparts."""
    parent = list(range(len(left) + len(right)))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, j in enumerate(best_matches(left, right, minimum)):
        if j is not None:
            parent[find(i)] = find(len(left) + j)
    for j, i in enumerate(best_matches(right, left, minimum)):
        if i is not None:
            parent[find(len(left) + j)] = find(i)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for node in range(len(left) + len(right)):
        sides = groups.setdefault(find(node), ([], []))
        if node < len(left):
            sides[0].append(node)
        else:
            sides[1].append(node - len(left))
    return list(groups.values())


# What a chat model wraps around an answer: tags, fences and labels; chatter and refusals.
TAG = re.compile(r"</?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>\n]{0,80})?/?>|<\|[^|<>\n]{1,30}\|>")
FENCE = re.compile(r"```|~~~")
LABEL = re.compile(
    r"^[ \t*_#>]*(?:(?:rewritten|corrected|revised|edited|improved|updated|new|final|formal|"
    r"friendly|friendlier|concise|more\s+\w+|shorter)\s+)?(?:text|version|paragraph|summary|"
    r"output|answer|rewrite|result|continuation|draft)[*_]*\s*:",
    re.IGNORECASE | re.MULTILINE,
)
MARKDOWN = re.compile(r"\*\*[^*\n]+\*\*|^#{1,6}\s", re.MULTILINE)
REFUSAL = re.compile(
    r"\bi(?:'m| am) sorry,? (?:but )?(?:i\b|as an\b)|\bi apologi[sz]e,? but\b|\bas an ai\b|"
    r"\bas a (?:large )?language model\b|\bi (?:cannot|can't|can not|am unable to|'m unable to|"
    r"am not able to|'m not able to|won't be able to) (?:help|assist|comply|fulfil|fulfill|"
    r"provide|create|generate|rewrite|complete|continue|summari[sz]e|edit|do that|do this|answer)",
    re.IGNORECASE,
)
# The model talking about the text instead of rewriting it ("The text is in a formal tone.").
COMMENTARY = re.compile(
    r"(?:^|(?<=[.!?]\s))(?:the|this) (?:text|passage|paragraph|original(?: text)?|(?:rewritten|"
    r"revised|above) (?:text|version|passage)) (?:is|was|uses|has|describes|discusses|highlights|"
    r"ends|begins|starts|contains|shows|focuses|maintains|keeps)\b|\bthe use of (?:contractions|"
    r"commas?|formal|informal|colloquial)\b|"
    # "This is a friendly tone, but it's not a friendly response."
    r"(?:^|(?<=[.!?]\s))(?:this|it)(?: is|'s| was) (?:not )?(?:a|an|the) (?:[\w-]+ ){0,2}"
    r"(?:tone|response|rewrite)\b",
    re.IGNORECASE | re.MULTILINE,
)
CHATTER = re.compile(
    r"^[ \t]*(?:sure|certainly|of course|absolutely|okay|gladly)(?:!|[,.]\s*(?:here|i'd|i would|"
    r"i can help|i'll|let me|below))|"
    r"^[ \t]*(?:here(?:'s| is| are)|below is) (?:the |a |an |your |my )?(?:[\w-]+ ){0,3}(?:text|"
    r"version|rewrite|rewritten|revision|paragraph|summary|continuation|draft|passage|sentence|"
    r"result|output|correction)s?\b|"
    r"\b(?:i )?hope (?:this|that|it) helps\b|"
    r"\blet me know if (?:you|there)\b[^.!?\n]{0,60}\b(?:change|edit|adjust|help|anything|"
    r"further|question|revision|modif|tweak)|"
    r"\bfeel free to (?:ask|let me know|modify|adjust|edit|change|tweak)|"
    r"\bi(?:'ve| have)? (?:rewritten|revised|rephrased|corrected|edited) (?:the|your) (?:text|"
    r"paragraph|sentence|passage|draft)|\bi(?:'ve| have)? made (?:the following|some|a few) "
    r"changes\b|\b(?:in )?this (?:revised|rewritten|corrected|edited|new) version\b|"
    r"\b(?:happy|glad) to help\b",
    re.IGNORECASE | re.MULTILINE,
)


def surplus(pattern: re.Pattern[str], source: str, output: str) -> list[str]:
    """What `pattern` finds more often in `output` than in `source`, as written, in order."""
    seen = Counter(" ".join(m.group().lower().split()) for m in pattern.finditer(source))
    found: dict[str, str] = {}
    for match in pattern.finditer(output):
        key = " ".join(match.group().lower().split())
        if seen[key] > 0:
            seen[key] -= 1
        else:
            found.setdefault(key, " ".join(match.group().split()))
    return list(found.values())
