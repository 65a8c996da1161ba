"""The document feed counts on its own thread, in order, and ends where a fresh build would."""

from __future__ import annotations

import threading
import time

import pytest

from desktop_app.inline.document_feed import DocumentFeed
from desktop_app.inline.document_model import DocumentModel

TEXT = "Elizabeth walked to Longbourn.\nShe met Mr. Darcy there.\n\nIt rained in 1811.\n"


def wait(feed: DocumentFeed) -> None:
    deadline = time.monotonic() + 10
    while not feed.settled():
        assert time.monotonic() < deadline, "the feed never settled"
        threading.Event().wait(0.005)


def test_edits_end_where_a_fresh_build_ends():
    feed = DocumentFeed()
    try:
        blocks = TEXT.split("\n")
        feed.reset("\u2029".join(blocks))  # as QTextDocument.toRawText() gives it
        # Typing in block 1, a paragraph split (Enter) and a removed block, as the editor
        # reports them: (first block, its old last block, the blocks' new texts).
        blocks[1] = "She met Mr. Darcy there, twice."
        feed.edit(1, 1, [blocks[1]])
        blocks[0:1] = ["Elizabeth walked", "to Longbourn."]
        feed.edit(0, 0, blocks[0:2])
        del blocks[3]
        feed.edit(3, 3, [])
        wait(feed)
        assert feed.model.export() == DocumentModel("\n".join(blocks)).export()
        assert feed.model.contains("twice") and feed.model.has_number("1811")
    finally:
        feed.close()


def test_a_new_document_forgets_the_old_one_at_once():
    feed = DocumentFeed()
    try:
        feed.reset("Pemberley " * 50)
        wait(feed)
        assert feed.model.contains("Pemberley")
        feed.reset("An entirely different text " * 200_000)  # ~5.6 MB
        assert not feed.model.contains("Pemberley")  # before the build is even done
        wait(feed)
        assert feed.model.contains("entirely") and not feed.model.contains("Pemberley")
    finally:
        feed.close()


def test_edits_made_during_a_big_build_are_not_lost():
    feed = DocumentFeed()
    try:
        lines = [f"Line {i} of the long text about the harbour." for i in range(200_000)]
        feed.reset("\n".join(lines))
        feed.edit(5, 5, ["The lighthouse keeper wrote this line."])
        wait(feed)
        assert feed.model.contains("lighthouse")
    finally:
        feed.close()


def test_the_feeds_block_copy_follows_random_edits_exactly():
    import random

    from desktop_app.inline.document_feed import CHUNK_BLOCKS, BlockTexts

    rng = random.Random(3)
    plain = [f"block {n}" if n % 7 else "" for n in range(CHUNK_BLOCKS * 3 + 17)]
    plain[5] = "a long block " * 3000  # longer than a chunk on its own
    kept = BlockTexts("\n".join(plain))
    for _ in range(400):
        first = rng.randrange(len(plain) + 1)
        old_last = min(len(plain) - 1, first - 1 + rng.choice([0, 0, 1, 2, CHUNK_BLOCKS + 5]))
        fresh = [f"new {rng.random():.3f}" for _ in range(rng.choice([0, 1, 1, 3, 300]))]
        if not fresh and old_last < first and len(plain) > 1:
            continue  # an edit always leaves at least its own block
        assert kept.replace(first, old_last, fresh) == plain[first : old_last + 1]
        plain[first : old_last + 1] = fresh
        plain = plain or [""]
        assert len(kept) == len(plain)
    assert kept.texts() == plain
    with pytest.raises(IndexError):
        kept.replace(len(plain) + 1, len(plain), ["past the end"])
