"""What keeps false alarms down: categories, the dialect guess, names, and known exceptions.

- **Categories.** Every lint gets one of "spelling", "grammar" or "style" from its Harper lint
  kind and rule (`category_of`). Style advice (Readability, Formatting, Enhancement, Style,
  Redundancy, Regionalism kinds, and rules such as LongSentences, Dashes, Spaces, ellipses,
  Oxford comma) is off unless the writer enables the "style" category.
- **Dialect.** When the writer has not chosen one, `DocumentStats.dialect_guess()` counts the
  document's own British (-our, -ise, -yse, -re, -ogue, -ence, doubled l) and American
  (-or, -ize, -yze, -er, -og, -ense, single l) spellings of a list of common words.
- **Names.** A word written capitalised in the document at least three times counts as a name
  and is never flagged as a misspelling; an occurrence mid-sentence weighs 1.5, one at the
  start of a sentence 1 (where every word is capitalised); at least one must be mid-sentence,
  and a word the document more often writes in lower case is not a name. Possessives and plurals of a name are names too.
- **Known exceptions.** "had had" and "that that" are English; a lower-case word after "!" or
  "?" (Austen's "Oh! my dear") is dialogue, not a sentence missing its capital.

`DocumentStats` is built per paragraph and summed, so a checker updates it for edited
paragraphs only.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

SPELLING, GRAMMAR, STYLE = "spelling", "grammar", "style"
CATEGORIES = (SPELLING, GRAMMAR, STYLE)
DEFAULT_CATEGORIES = frozenset({SPELLING, GRAMMAR})

SPELLING_KINDS = frozenset({"Spelling", "Typo"})
STYLE_KINDS = frozenset(
    {"Readability", "Formatting", "Enhancement", "Style", "Redundancy", "Regionalism"}
)
# Rules whose advice is a matter of taste whatever kind Harper gives their lints.
STYLE_RULES = frozenset(
    {
        "LongSentences",
        "Dashes",
        "Spaces",
        "EllipsisLength",
        "UseEllipsisCharacter",
        "OxfordComma",
        "NoOxfordComma",
        "AvoidContractions",
        "BoringWords",
        "FillerWords",
        "Hedging",
        "NumericRangeEnDash",
        "QuoteSpacing",
        "SpelledNumbers",
        "UseTitleCase",
        "Excellent",
        "RedundantThat",
        "DiscourseMarkers",
        "NoFrenchSpaces",
        "FootInchMinuteSecondSymbols",
        "OrthographicConsistency",
        "ThatWhich",
    }
)
# Rules that report real errors under a kind that reads like style ("cant" -> "can't").
GRAMMAR_RULES = frozenset({"Cant", "Didnt", "Theres"})
# Rules too unreliable on real prose to show by default: no suggestion and frequent misses.
NOISY_RULES = frozenset({"MissingPreposition", "MissingDeterminer", "SplitWords"})
# Words that English doubles on purpose ("She had had enough", "He said that that was all").
LEGIT_DOUBLES = frozenset({"had", "that"})

# British / American pairs, and suffix families, that decide the dialect guess.
_OUR = (
    "colour|favour|honour|neighbour|behaviour|humour|labour|harbour|candour|rumour|vigour|"
    "valour|savour|flavour|armour|endeavour|odour|parlour|splendour|ardour|clamour|glamour"
)
_ISE = (
    "realis|organis|recognis|apologis|criticis|emphasis|summaris|characteris|memoris|"
    "prioritis|utilis|civilis|minimis|maximis|authoris|familiaris|sympathis|theoris"
)
_RE = "centre|theatre|metre|fibre|litre|calibre|sombre|spectre|lustre|meagre"
_OGUE = "catalogue|dialogue|analogue|monologue|prologue|epilogue"
_ENCE = "defence|offence|licence|pretence"
_LL = "travell|cancell|label?ll|model?ll|fuell|signall|marvell|quarrell|counsell|jewell"
_BRITISH = re.compile(
    rf"\b(?:(?:{_OUR})\w*|(?:{_ISE})(?:e|es|ed|ing|ation|ations)|(?:{_RE})s?|(?:{_OGUE})s?"
    rf"|(?:{_ENCE})s?|(?:{_LL})(?:ed|ing|er|ers|ous)|analys(?:e|es|ed|ing)|grey|judgement"
    r"|cheque|programme|tyre|whilst|amongst|aluminium|mum)\b",
    re.IGNORECASE,
)
_AMERICAN = re.compile(
    r"\b(?:(?:color|favor|honor|neighbor|behavior|humor|labor|harbor|candor|rumor|vigor|valor"
    r"|savor|flavor|armor|endeavor|odor|parlor|splendor|ardor|clamor|glamor)\w*"
    r"|(?:realiz|organiz|recogniz|apologiz|criticiz|summariz|characteriz|memoriz|prioritiz"
    r"|utiliz|civiliz|minimiz|maximiz|authoriz|familiariz|sympathiz|theoriz)(?:e|es|ed|ing"
    r"|ation|ations)|(?:center|theater|meter|fiber|liter|caliber|somber|specter|luster"
    r"|meager)s?|(?:catalog|dialog|analog)s?|(?:defense|offense|pretense)s?"
    r"|(?:travel|cancel|label|model|fuel|signal|marvel|quarrel|counsel)(?:ed|ing|er|ers)"
    r"|analyz(?:e|es|ed|ing)|gray|judgment|tire|mom|aluminum)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_](?:[\w'\u2019-]*\w)?")
_SENTENCE_END = re.compile(r"[.!?:;\"'\u201c\u201d\u2018\u2019()\[\]\-\u2014*_#>]")
_POSSESSIVE = re.compile(r"(?:'s|\u2019s|'|\u2019)$")
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Prof|Rev|Col|Capt|Gen|Lt|Sgt|Jr|Sr)\.$")
MID_WEIGHT, START_WEIGHT, NAME_SCORE = 1.5, 1.0, 3.0
# Edit costs (a wrong letter costs 1): after Kernighan, Church and Gale's typo counts, where
# omitted letters, doubled letters and swapped pairs are commoner than wrong letters.
APOSTROPHE, CASE, SWAPPED, DOUBLED, OMITTED = 0.3, 0.1, 0.6, 0.7, 0.8
_APOSTROPHES = "'\u2019"
# An unknown capitalised word mid-sentence whose nearest suggestion is further than this is a
# name ("Hertfordshire", "Derbyshire" -> "Berkshire"), however rarely the document uses it.
NAME_DISTANCE = 1.5


@dataclass
class DocumentStats:
    """Counts gathered from a document (or one paragraph): capitalised words and spellings."""

    mid: Counter[str] = field(default_factory=Counter)  # capitalised mid-sentence
    start: Counter[str] = field(default_factory=Counter)  # capitalised at a sentence start
    lower: Counter[str] = field(default_factory=Counter)  # the same word in lower case
    british: int = 0
    american: int = 0

    @classmethod
    def of(cls, text: str) -> DocumentStats:
        """The counts for `text` (a paragraph or a whole document)."""
        stats = cls()
        stats.add_words(words_of(text))
        return stats

    def add(self, other: DocumentStats, sign: int = 1) -> None:
        """Add (sign=1) or take away (sign=-1) another paragraph's counts."""
        for mine, theirs in (
            (self.mid, other.mid),
            (self.start, other.start),
            (self.lower, other.lower),
        ):
            _merge(mine, theirs, sign)
        self.british += sign * other.british
        self.american += sign * other.american

    def add_words(self, words: BlockWords, sign: int = 1) -> None:
        """Add (sign=1) or take away (sign=-1) one paragraph's `words_of`."""
        mid, start, lower, british, american = words.split(_SEP)
        for counter, found in ((self.mid, mid), (self.start, start), (self.lower, lower)):
            if found:
                (counter.update if sign > 0 else counter.subtract)(found.split(" "))
        self.british += sign * int(british)
        self.american += sign * int(american)

    def names(self) -> frozenset[str]:
        """Words the document uses as names (see the module docstring)."""
        found = set()
        for word in set(self.mid) | set(self.start):
            if self.mid[word] <= 0:
                continue  # taken away by an edit (Counter.subtract keeps zeros)
            score = MID_WEIGHT * self.mid[word] + START_WEIGHT * self.start[word]
            # Sentence starts alone prove nothing: every word is capitalised there.
            if score < NAME_SCORE or not self.mid[word]:
                continue
            capitalised = self.mid[word] + self.start[word]
            if self.lower[word.lower()] >= capitalised:
                continue
            found.add(word)
        return frozenset(found)

    def dialect_guess(self) -> str:
        """ "british" when the document spells more words the British way, else "american"."""
        return "british" if self.british > self.american else "american"


# One paragraph's evidence as one string, "mid␟start␟lower␟british␟american" (words split by
# spaces): strings are invisible to the garbage collector, so 400,000 blocks cost no long
# collections, which tuples or Counters per block would.
BlockWords = str
_SEP = "\x1f"


def words_of(text: str) -> BlockWords:
    """One paragraph's evidence: capitalised words mid-sentence and opening a sentence,
    lower-case words, and its counts of British and American spellings."""
    mid: list[str] = []
    start: list[str] = []
    lower: list[str] = []
    for match in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", match.group())
        if not word:
            continue
        if word[0].isupper():
            (start if _sentence_start(text, match.start()) else mid).append(word)
        elif word[0].islower():
            lower.append(word)
    british = sum(1 for _ in _BRITISH.finditer(text))
    american = sum(1 for _ in _AMERICAN.finditer(text))
    return _SEP.join((" ".join(mid), " ".join(start), " ".join(lower), str(british), str(american)))


def _merge(mine: Counter[str], theirs: Counter[str], sign: int) -> None:
    for key, value in theirs.items():
        count = mine[key] + sign * value
        if count > 0:
            mine[key] = count
        else:
            mine.pop(key, None)


def _sentence_start(text: str, index: int) -> bool:
    """Whether the word at `index` opens a sentence (or the paragraph, or a line of dialogue)."""
    pos = index - 1
    while pos >= 0 and (text[pos].isspace() or _SENTENCE_END.match(text[pos])):
        if text[pos] == "." and _TITLE.search(text, max(0, pos - 5), pos + 1):
            return False  # "Mr. Bennet": the title's full stop ends no sentence
        if text[pos] in '.!?:"\u201c\u2018(\u2014-*#>':
            return True
        pos -= 1
    return pos < 0


def is_name(word: str, names: frozenset[str]) -> bool:
    """Whether `word` (perhaps possessive or plural) is one of the document's `names`."""
    base = _POSSESSIVE.sub("", word.strip())
    if base in names:
        return True
    return any(base.endswith(suffix) and base[: -len(suffix)] in names for suffix in ("es", "s"))


def _insert_cost(ch: str) -> float:
    return APOSTROPHE if ch in _APOSTROPHES else OMITTED


def _delete_cost(word: str, i: int) -> float:
    """Cost of deleting word[i]: less when it doubles a neighbour ("daughhters")."""
    ch = word[i]
    if ch in _APOSTROPHES:
        return APOSTROPHE
    doubled = (i > 0 and word[i - 1] == ch) or (i + 1 < len(word) and word[i + 1] == ch)
    return DOUBLED if doubled else 1.0


def edit_distance(typed: str, meant: str) -> float:
    """Weighted optimal-string-alignment distance from `typed` to `meant`.

    The weights follow how people mistype (omitted letters and swapped pairs are commoner than
    wrong letters): see the module docstring.
    """
    a, b = typed, meant
    rows, cols = len(a) + 1, len(b) + 1
    d = [[0.0] * cols for _ in range(rows)]
    for i in range(1, rows):
        d[i][0] = d[i - 1][0] + _delete_cost(a, i - 1)
    for j in range(1, cols):
        d[0][j] = d[0][j - 1] + _insert_cost(b[j - 1])
    for i in range(1, rows):
        for j in range(1, cols):
            x, y = a[i - 1], b[j - 1]
            if x == y:
                sub = 0.0
            elif x.lower() == y.lower():
                sub = CASE
            else:
                sub = 1.0
            best = min(
                d[i - 1][j] + _delete_cost(a, i - 1),
                d[i][j - 1] + _insert_cost(y),
                d[i - 1][j - 1] + sub,
            )
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y and x != y:
                best = min(best, d[i - 2][j - 2] + SWAPPED)
            d[i][j] = best
    return d[-1][-1]


def mid_sentence_capital(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a capitalised word inside a sentence (not opening one)."""
    word = text[start:end]
    return word[:1].isupper() and not _sentence_start(text, start)


def looks_like_name(text: str, start: int, end: int, suggestions: list[str]) -> bool:
    """An unknown capitalised word mid-sentence with no close suggestion: a name."""
    if not mid_sentence_capital(text, start, end):
        return False
    word = text[start:end]
    return all(edit_distance(word, s) > NAME_DISTANCE for s in suggestions)


def category_of(lint_kind: str, rule: str) -> str:
    """ "spelling", "grammar" or "style" for a lint of Harper kind `lint_kind` from `rule`."""
    if rule in GRAMMAR_RULES:
        return GRAMMAR
    if rule in STYLE_RULES or lint_kind in STYLE_KINDS:
        return STYLE
    if lint_kind in SPELLING_KINDS or rule == "SpellCheck":
        return SPELLING
    return GRAMMAR


def known_exception(rule: str, text: str, start: int, end: int) -> bool:
    """Whether a lint of `rule` on text[start:end] is one of the known false alarms."""
    problem = text[start:end]
    if rule == "RepeatedWords":
        words = problem.lower().split()
        return bool(words) and words[0] in LEGIT_DOUBLES
    if rule == "SentenceCapitalization":
        if _LIST_MARKER.search(text, 0, start):  # "a) under this License": a list goes on
            return True
        before = text[:start].rstrip(" \t\n\"'\u201d\u2019)")
        return before.endswith(("!", "?"))
    if rule == "SpellCheck":  # "option 4d0", "x86": an identifier, not a misspelt word
        left, right = start, end
        while left > 0 and text[left - 1].isalnum():
            left -= 1
        while right < len(text) and text[right].isalnum():
            right += 1
        return any(c.isdigit() for c in text[left:right])
    return rule in NOISY_RULES


# A lower-case list item after its marker: "a) ", "(ii) ", "3) " at the start of the paragraph.
_LIST_MARKER = re.compile(r"^\s*\(?(?:[a-z]|[ivx]{1,4}|\d{1,3})\)\s+\Z")
