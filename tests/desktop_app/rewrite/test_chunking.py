"""Chunking: exact reassembly, the token limit, and paragraph breaks kept through a rewrite."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.rewrite.chunking import (
    Chunk,
    chunk_text,
    count_paragraphs,
    reassemble,
    restore_breaks,
    split_paragraphs,
)


def words(text: str) -> int:
    return len(text.split())


def quarter_chars(text: str) -> int:
    # Roughly a BPE tokenizer: long words cost several tokens, so the char fallback is exercised.
    return (len(text) + 3) // 4


TEXT = st.text(
    alphabet=st.sampled_from(list("ab cd. ef! gh? \n\n\r\n\t\u2029\u2026\"')") + ["é", "猫"]),
    max_size=400,
)


@settings(max_examples=300, deadline=None)
@given(text=TEXT, limit=st.integers(min_value=1, max_value=40), by_chars=st.booleans())
def test_reassembly_is_exact_and_every_chunk_fits(text, limit, by_chars):
    count = quarter_chars if by_chars else words
    chunks = chunk_text(text, limit, count)
    assert reassemble(chunks) == text
    for chunk in chunks:
        assert count(chunk.body) <= limit, chunk
        assert chunk.body == chunk.body.strip()
        assert not chunk.lead.strip() and not chunk.trail.strip()


@settings(max_examples=200, deadline=None)
@given(text=TEXT)
def test_split_paragraphs_round_trips(text):
    lead, parts = split_paragraphs(text)
    assert lead + "".join(p + s for p, s in parts) == text
    assert all(p and p == p.strip() for p, _ in parts)


def test_blank_line_documents_keep_their_exact_separators():
    text = "  First para one.\nstill first.\n\n\nSecond.  \n \nThird!\n"
    chunks = chunk_text(text, 5, words)
    assert [c.body for c in chunks] == ["First para one.\nstill first.", "Second.  \n \nThird!"]
    assert chunks[0].lead == "  " and chunks[0].trail == "\n\n\n"
    assert chunks[1].inner_separators == ("  \n \n",) and chunks[1].trail == "\n"
    # Rewriting bodies keeps every break and the surrounding whitespace.
    assert reassemble(chunks, ["A.", "B.\n\nC."]) == "  A.\n\n\nB.\n\nC.\n"


def test_single_newlines_separate_paragraphs_when_there_are_no_blank_lines():
    assert count_paragraphs("One.\nTwo.\nThree.") == 3
    assert count_paragraphs("Wrapped line\ncontinues.\n\nNext.") == 2
    # Windows line endings are one newline each, not blank lines.
    assert count_paragraphs("One.\r\nTwo.\r\nThree.") == 3
    assert count_paragraphs("One\r\nwrapped.\r\n\r\nTwo.") == 2
    # Qt's paragraph separator counts as a newline.
    assert count_paragraphs("One.\u2029Two.") == 2


def test_paragraphs_are_packed_while_they_fit():
    text = "a b.\n\nc d.\n\ne f.\n\ng h."
    assert [c.body for c in chunk_text(text, 4, words)] == ["a b.\n\nc d.", "e f.\n\ng h."]
    assert [c.paragraphs for c in chunk_text(text, 4, words)] == [2, 2]


def test_a_long_paragraph_is_split_at_sentence_boundaries():
    text = "One two three. Four five six! Seven eight nine? Ten eleven.\n\nNext one."
    chunks = chunk_text(text, 6, words)
    bodies = [c.body for c in chunks]
    assert bodies == ["One two three. Four five six!", "Seven eight nine? Ten eleven.", "Next one."]
    assert chunks[0].trail == " " and chunks[1].trail == "\n\n"


def test_a_sentence_longer_than_the_limit_falls_back_to_words():
    chunks = chunk_text("one two three four five six seven", 3, words)
    assert [c.body for c in chunks] == ["one two three", "four five six", "seven"]


def test_whitespace_only_text_gives_one_empty_chunk():
    chunks = chunk_text(" \n\n ", 10, words)
    assert chunks == [Chunk(" \n\n ", "", "", 0)]
    assert reassemble(chunks) == " \n\n "


def test_limit_must_be_positive():
    with pytest.raises(ValueError):
        chunk_text("text", 0, words)


def test_restore_breaks_puts_back_original_separators():
    chunk = chunk_text("A one.\n\n\nB two.\n\nC three.", 50, words)[0]
    assert restore_breaks(chunk, "X.\n\nY.\n\nZ.") == "X.\n\n\nY.\n\nZ."
    # A different paragraph count: joined with the chunk's first separator.
    assert restore_breaks(chunk, "X.\nY.") == "X.\n\n\nY."
    assert restore_breaks(chunk, "X and Y and Z.") == "X and Y and Z."
    single = chunk_text("Just one.", 50, words)[0]
    assert restore_breaks(single, "Only\n\nthis.") == "Only\n\nthis."
