"""Strip what a chat model wraps around its answer, so only the rewritten text is proposed.

Small chat models say "Here's the corrected version:", echo our `<text>` delimiters, put the whole
answer in quotes or a code fence, and add "Note: I changed …" at the end. `clean_output` removes
those, but never something the original itself has (a document that starts with "Sure," keeps it),
and gives the result the original's leading and trailing whitespace so it drops into place. A
closing remark goes only when it talks about the rewrite and nothing like it is in the original:
a paragraph of the writer's that begins "Note the…" or "Feel free…" is content, and stays.
`clean_partial` does the same for a reply still streaming: it holds back a first line that may
turn out to be a preamble, instead of flashing it in the review panel.
"""

from __future__ import annotations

import re

from desktop_app.rewrite.guard.facts import content_stems

_TAG_OPEN = re.compile(r"<\s*text\s*>", re.IGNORECASE)
_TAG_CLOSE = re.compile(r"<\s*/\s*text\s*>", re.IGNORECASE)
_FENCE = re.compile(r"^```[^\n]*\n(.*?)(?:\n```.*)?$", re.DOTALL)

_INTERJECTION = r"(?:sure|certainly|of course|okay|ok|absolutely|great|alright|no problem|gladly)"
# A whole first line that only introduces the answer: it ends with a colon and talks about the
# text, or it is a bare "Sure!".
_PREAMBLE_LINE = re.compile(
    rf"""^(?:{_INTERJECTION}\b[^\n]{{0,80}}:|
        (?:{_INTERJECTION}[!.,]?\s*)?(?:here|below|this|the|my|i|i've|i\ have|your)\b[^\n]{{0,100}}
        \b(?:text|version|rewrite|rewritten|revision|revised|correct(?:ed|ion)s?|edit(?:ed)?|
        summary|summari[sz]ed|paragraph|continuation|result|output|sentence|draft|passage)\b
        [^\n]{{0,40}}:|
        (?:corrected|revised|rewritten|edited|improved|updated|new|formal|friendly|concise|
        friendlier|more\ \w+|final)\s+(?:text|version|paragraph|draft)\s*:|
        (?:summary|answer|output|result|text|rewrite|revision|continuation)\s*:|
        (?:rewrite[sd]?\s+)?(?:(?:this|the)\s+text\s+)?(?:(?:more|less)\s+)?
        (?:concise(?:ly)?|formal(?:ly)?|friendl(?:y|ier)|short(?:er)?)\s*:|
        {_INTERJECTION}[!.]?|
        (?:here\ (?:it\ is|you\ go)|here's\ (?:it|my\ attempt))[!.:]?)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# The same kind of introduction on the answer's own line ("Here is the summary: The report …").
_PREAMBLE_INLINE = re.compile(
    rf"^(?:{_INTERJECTION}[!.,]?\s*)?(?:here(?:'s|\s+is|\s+are)|below\s+is)\b[^:\n]{{0,100}}:[ \t]+",
    re.IGNORECASE,
)
# A closing remark that starts its own line after the answer.
_TRAILER = re.compile(
    r"""^[ \t>*_(\[-]*(?:notes?\b|explanation\b|changes(?:\s+made)?\s*:|corrections?\s*:|
        i(?:'ve|\s+have)?\s+(?:made|changed|corrected|fixed|removed|replaced|rewrote|rephrased|
        kept|added|also)\b|in\s+this\s+(?:revised|rewritten|corrected|edited|new)\b|
        this\s+(?:revised|rewritten|corrected|edited|new)\s+(?:version|text)\b|
        the\s+(?:changes|corrections)\s+(?:i|made|include)\b|
        let\s+me\s+know\b|i\s+hope\s+this\b|hope\s+this\s+helps\b|feel\s+free\b|
        (?:i(?:'m|\s+am|'ll|\s+will|'d|\s+would)\s+)?(?:be\s+)?(?:happy|glad)\s+to\s+help\b|
        key\s+changes\b)""",
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)
_QUOTES = {'"': '"', "\u201c": "\u201d", "'": "'", "\u2018": "\u2019", "\u00ab": "\u00bb"}
_MARKUP = re.compile(r"^[*#_>\s]+|[*_\s]+$")
# Prefixes of a preamble still being typed out, held back in partial output.
_LEADING_INTERJECTION = re.compile(rf"^{_INTERJECTION}\b[!.,]?\s*", re.IGNORECASE)
_PREAMBLE_WORD = re.compile(
    r"\b(?:here|below|text|version|rewrit\w*|revis\w*|correct\w*|edit\w*|summar\w*|"
    r"paragraph|continuation|result|output|improved|updated|draft|passage)\b",
    re.IGNORECASE,
)
_SENTENCE_DONE = re.compile(r"[.!?](?:\s|$)")


def _may_be_preamble(line: str, original: str) -> bool:
    """True while an unfinished first line could still turn out to be an introduction.

    Markup (a tag, a fence) waits; so does a line of up to three words, or one that mentions
    "version", "corrected", "summary"… and has not ended a sentence. Anything else is shown at
    once, so a plain answer streams from its first words.
    """
    if _starts_like(original, line) or len(line) >= 120:
        return False
    if line[:1] in "<`*#":
        return True
    rest = _LEADING_INTERJECTION.sub("", line, count=1)
    if _SENTENCE_DONE.search(rest):
        return False
    return len(rest.split()) <= 3 or bool(_PREAMBLE_WORD.search(rest))


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def _plain(line: str) -> str:
    """A line without markdown emphasis or heading marks, for matching."""
    return _MARKUP.sub("", line)


def _starts_like(original: str, line: str) -> bool:
    """True if the original itself begins with `line`, so it is content, not chatter."""
    probe = _plain(line).lower()[:24]
    return bool(probe) and _plain(original.strip()).lower().startswith(probe)


def _strip_wrappers(text: str) -> str:
    """Remove echoed `<text>` delimiters and a code fence around the answer."""
    close = _TAG_CLOSE.search(text)
    if close and text[: close.start()].strip():
        text = text[: close.start()]
    opened = list(_TAG_OPEN.finditer(text))
    if opened:
        after = text[opened[-1].end() :]
        # An answer followed by an echoed opening tag keeps the answer; otherwise the answer
        # is what follows the tag.
        text = after if after.strip() else text[: opened[-1].start()]
    text = _TAG_CLOSE.sub("", text).strip()
    fence = text.find("```")
    if fence != -1:
        match = _FENCE.match(text[fence:])
        if match and match.group(1).strip():
            before = text[:fence].strip()
            # Keep the fence content only if what precedes it is chatter (or nothing).
            if not before or _PREAMBLE_LINE.match(_plain(before)) or before.endswith(":"):
                text = match.group(1).strip()
    return text


def _strip_preamble(text: str, original: str) -> str:
    for _ in range(3):
        line = _first_line(text)
        if _starts_like(original, line):
            break
        if _PREAMBLE_LINE.match(_plain(line)):
            text = text[len(line) :].lstrip()
            continue
        inline = _PREAMBLE_INLINE.match(text)
        if inline and not _starts_like(original, text[: inline.end()]):
            text = text[inline.end() :]
            continue
        break
    return text


def _strip_trailer(text: str, original: str) -> str:
    """Cut a closing remark after the answer, but only one that is provably chatter.

    Everything from the remark's line to the end goes only if its first paragraph talks about
    the rewrite or offers more help ("Note: I corrected…", "Let me know if you need…"), every
    later paragraph is more of the same (a list of changes), and no paragraph or line of it has
    a counterpart in the original. So a story's own "Note the date on the letter…" stays.
    """
    for match in _TRAILER.finditer(text):
        if not text[: match.start()].strip():
            continue  # the whole reply would go; that is an answer, however odd
        tail = text[match.start() :]
        paragraphs = [p for p in _BLANK.split(tail) if p.strip()]
        if not _ABOUT_THE_REWRITE.search(paragraphs[0]):
            continue
        if not all(map(_is_more_chatter, paragraphs[1:])):
            continue
        pieces = [*paragraphs, *(line for line in tail.split("\n") if line.strip())]
        if not any(_has_counterpart(piece, original) for piece in pieces):
            return text[: match.start()].rstrip()
    return text


_BLANK = re.compile(r"\n[ \t]*\n")
# What a remark about the rewrite itself mentions; a story's "Note the date…" mentions none.
_ABOUT_THE_REWRITE = re.compile(
    r"""\b(?:text|version|rewr\w*|revis\w*|correct\w*|edit\w*|chang\w*|fix\w*|grammar|
    spelling|punctuation|tone|wording|phras\w*|sentences?|paragraphs?|summar\w*|adjust\w*|
    modif\w*|tweak\w*|help\w*|assist\w*|anything\ else|further|questions?|feedback|improv\w*|
    clarity|explanation|plural|singular|verbs?|tense|original|
    if\ you(?:'d|\ would)?\ (?:like|need|want|have))\b""",
    re.IGNORECASE | re.VERBOSE,
)
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*\u2022]|\d+[.)])\s")
# Words quoted in a remark ("'week' should be plural") are talked about, not used.
_QUOTED = re.compile(
    r"(?<!\w)(?:'[^'\n]{1,40}'|\"[^\"\n]{1,60}\"|\u201c[^\u201d\n]{1,60}\u201d)(?!\w)"
)


def _is_more_chatter(paragraph: str) -> bool:
    """A paragraph that can follow a closing remark: a list item, another remark."""
    return bool(
        _LIST_ITEM.match(paragraph)
        or _TRAILER.match(paragraph.lstrip())
        or _ABOUT_THE_REWRITE.search(paragraph)
    )


def _has_counterpart(paragraph: str, original: str) -> bool:
    """True if the original has this paragraph, or one that says much the same.

    The original having the same opening words counts; so does most of the paragraph's content
    (quoted words left out) appearing in the original.
    """
    probe = " ".join(_plain(_first_line(paragraph.strip())).lower().split())[:24]
    if probe and probe in " ".join(original.lower().split()):
        return True
    keys = content_stems(_QUOTED.sub(" ", paragraph))
    if not keys:
        return False
    found = len(keys & content_stems(original))
    return found >= 2 and found >= 0.6 * len(keys)


def _strip_quotes(text: str, original: str, final: bool) -> str:
    if not text or text[0] not in _QUOTES or original.lstrip()[:1] in _QUOTES:
        return text
    closing = _QUOTES[text[0]]
    if final:
        if len(text) >= 2 and text[-1] == closing and closing not in text[1:-1]:
            return text[1:-1].strip()
        return text
    # Streaming: the closing quote has not arrived yet; drop the opening one if it is alone.
    return text[1:] if closing not in text[1:] else text


def _restore_spacing(text: str, original: str, final: bool) -> str:
    stripped = original.strip()
    if not stripped:
        return text
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()) :] if final else ""
    return lead + text.strip() + trail


_TAG_LINE = re.compile(r"^[ \t]*(?:</?[a-zA-Z][^<>\n]{0,40}>[ \t]*)+$", re.MULTILINE)
# Sentences (or lines) as units for spotting a model that repeats itself.
_UNIT = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.MULTILINE)


def _strip_tag_lines(text: str, original: str) -> str:
    """Drop lines that are nothing but HTML-like tags (`<p>`, `<i>`), unless the original has any."""
    if _TAG_LINE.search(original):
        return text
    return re.sub(r"\n{3,}", "\n\n", _TAG_LINE.sub("", text)).strip()


def _normal(unit: str) -> str:
    return " ".join(_plain(unit).lower().split())


def repetition_cut(text: str, original: str) -> int | None:
    """Where a looping reply starts repeating itself, or None if it does not loop.

    A tiny model at temperature 0 can repeat one sentence until it runs out of tokens. A long
    sentence (five words or more) said once more than the original says it marks a loop; a short
    one must come twice more, since "Yes." may well recur. The cut is at the first surplus
    occurrence, so one copy of the sentence stays.
    """
    seen: dict[str, list[int]] = {}
    normal_original = _normal(original)
    for match in _UNIT.finditer(text):
        key = _normal(match.group())
        if len(key) < 6:
            continue
        starts = seen.setdefault(key, [])
        starts.append(match.start())
        allowed = max(1, normal_original.count(key))
        surplus = 1 if len(key.split()) >= 5 else 2
        if len(starts) >= allowed + surplus:
            return starts[allowed]
    return None


def drop_echo(text: str, context: str) -> str:
    """`text` without the leading sentences that only repeat `context` (for Continue writing).

    Asked for the next paragraph, a small model often first copies the text it was given.
    """
    normal_context = _normal(context)
    position = 0
    for match in _UNIT.finditer(text):
        key = _normal(match.group())
        if key and key not in normal_context:
            break
        position = match.end()
    return text[position:].lstrip()


def trim_repetition(text: str, original: str) -> str:
    """`text` cut before its first surplus repeated sentence (see `repetition_cut`)."""
    cut = repetition_cut(text, original)
    return text if cut is None else text[:cut].rstrip()


# Our own instructions, echoed back ("Rewrite the text with the whole rewritten text only: …"):
# small models repeat the task and then start the answer over.
_INSTRUCTION_ECHO = re.compile(
    r"(?:reply with the (?:whole )?(?:\w+ )?(?:text|paragraph|summary) only|"
    r"(?:rewrite|correct|edit|summari[sz]e) (?:the|this) (?:grammar and spelling of this )?text"
    r"\b[^:\n]{0,80}?(?:only|meaning|sentence|instruction)?)\s*[:.]?",
    re.IGNORECASE,
)


def _strip_instruction_echo(text: str, original: str) -> str:
    """Cut an echo of our instructions and what the model restarted after it; an echo at the
    very start goes and the answer after it stays."""
    for match in _INSTRUCTION_ECHO.finditer(text):
        if match.group(0).lower().strip(" :.") in original.lower():
            continue  # the writer's own words
        before = text[: match.start()].rstrip()
        if before:
            return before
        text = text[match.end() :].lstrip()
    return text


def clean_output(reply: str, original: str) -> str:
    """Return the model's `reply` without chatter, spaced like `original`.

    An empty string means the reply held no answer at all.
    """
    text = _strip_wrappers(reply.replace("\r\n", "\n").strip())
    text = _strip_preamble(text, original)
    text = _strip_instruction_echo(text, original)
    text = _strip_trailer(text, original)
    text = _strip_tag_lines(text, original)
    text = trim_repetition(text, original)
    text = _strip_quotes(text.strip(), original, final=True)
    if not text.strip():
        return ""
    return _restore_spacing(text, original, final=True)


def clean_partial(reply: str, original: str) -> str:
    """Clean a reply that is still streaming, holding back what may still turn into chatter."""
    text = reply.replace("\r\n", "\n").lstrip()
    # An echoed opening delimiter is not an introduction: the answer follows it directly.
    opened = _TAG_OPEN.match(text)
    if opened:
        text = text[opened.end() :].lstrip()
    # While the first line is incomplete, one that may be an introduction waits for the rest.
    if "\n" not in text and not _TAG_CLOSE.search(text) and _may_be_preamble(text, original):
        return ""
    text = _strip_wrappers(text)
    text = _strip_preamble(text, original)
    text = _strip_trailer(text, original)
    text = trim_repetition(_strip_tag_lines(text, original), original)
    # A new last line that may be the start of a trailer ("Not", "I made") is held back too.
    head, _, last = text.rpartition("\n")
    if head.strip() and _may_start_trailer(last):
        text = head
    text = _strip_quotes(text.strip(), original, final=False)
    if not text.strip():
        return ""
    return _restore_spacing(text, original, final=False)


_TRAILER_STARTS = (
    "note",
    "explanation",
    "changes",
    "corrections",
    "i ",
    "i'",
    "in this",
    "this ",
    "the changes",
    "the corrections",
    "let me",
    "hope",
    "i hope",
    "feel free",
    "key changes",
)


def _may_start_trailer(line: str) -> bool:
    """True if an unfinished last line could still become a closing remark."""
    probe = _plain(line).lower()
    if not probe or len(probe) > 30:
        return False
    return any(word.startswith(probe) or probe.startswith(word) for word in _TRAILER_STARTS)
