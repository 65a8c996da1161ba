"""The document feed counts on its own thread, in order, and ends where a fresh build would."""

from __future__ import annotations

import threading
import time

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
