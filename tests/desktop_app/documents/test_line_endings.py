"""Per-line endings: collected while decoding, given back exactly to unedited lines, and the
file's most common ending for new ones."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.documents.line_endings import EndingCollector

# Distinct, non-empty lines: a CR ending before an empty line ending in LF *is* a CRLF, and
# identical lines may be matched either way by the diff.
_LINES = st.lists(st.sampled_from(["a", "word line", "é 😀", "  indented"]), min_size=1).map(
    lambda words: [f"{word} {i}" for i, word in enumerate(words)]
)
_ENDINGS = st.sampled_from(["\n", "\r\n", "\r", "\u2029"])


def _file(lines: list[str], endings: list[str]) -> str:
    return "".join(line + ending for line, ending in zip(lines, endings, strict=False)) + lines[-1]


def _collect(raw: str):
    collector = EndingCollector()
    text = collector.feed(raw)
    return text, collector.result(text)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), lines=_LINES)
def test_unedited_text_gets_every_ending_back(data, lines):
    endings = data.draw(st.lists(_ENDINGS, min_size=len(lines) - 1, max_size=len(lines) - 1))
    raw = _file(lines, endings)
    text, (majority, model) = _collect(raw)
    assert text == "\n".join(lines)
    if model is None:  # one kind only: the format's newline says it all
        assert set(endings) <= {majority}
        assert text.replace("\n", majority) == raw
    else:
        assert model.apply(text) == raw


@settings(max_examples=200, deadline=None)
@given(data=st.data(), lines=_LINES)
def test_a_new_line_takes_the_majority_and_the_others_keep_theirs(data, lines):
    endings = data.draw(st.lists(_ENDINGS, min_size=len(lines) - 1, max_size=len(lines) - 1))
    text, (majority, model) = _collect(_file(lines, endings))
    if model is None:
        return
    at = data.draw(st.integers(0, len(lines) - 1))
    new_lines = lines[: at + 1] + ["a brand new line typed here"] + lines[at + 1 :]
    saved = model.apply("\n".join(new_lines))
    # The new line comes after line `at`: every old line keeps its ending, the new one gets
    # the majority (typed after the last line, the old last line gets it).
    expected = list(endings)
    expected.insert(at + 1, majority)
    assert saved == _file(new_lines, expected)
