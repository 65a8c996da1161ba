"""Keeps a `DocumentModel` in step with the editor's text, on a worker thread of its own.

The GUI thread only reports what changed: the whole text when a document is set (`reset`),
and the new texts of the blocks an edit touched (`edit`). Everything else — splitting the text
into blocks, building the model, re-counting a changed paragraph — runs on the feed's thread,
in the order it was reported, so an edit made while a 20 MB text is still being counted is
applied after it, never lost. The feed keeps its own copy of the block texts (the old text of
an edited block is what the model must un-count); it shares the strings the GUI handed in.

Until the first build is done the model is empty: the fact filter then treats every number and
name as new (the prompt window still vouches for what is on screen), the safe side.
"""

from __future__ import annotations

import logging
import queue
import threading

from desktop_app.inline.document_model import DocumentModel
from desktop_app.perf import lower_thread_priority

log = logging.getLogger(__name__)

BLOCK_SEPARATOR = "\u2029"  # QTextDocument.toRawText() separates blocks with it
CHUNK_CHARS = 16_384  # a new text is cut into chunks of whole blocks about this long
CHUNK_BLOCKS = 256  # blocks an edit re-chunks are grouped this many at a time


class BlockTexts:
    """Every block's text, kept as chunks of whole blocks joined by "\n".

    One string per block cost ~50 bytes of object header per block on top of its text (18 MB
    for the 372,705 blocks of a 20 MB document); a chunk costs that once per few hundred
    blocks. A new text is cut where it stands (no list of every line, even for a moment), and
    an edit splits and joins again only the chunks it touches (block texts never hold "\n").
    """

    def __init__(self, text: str = "") -> None:
        self._chunks: list[str] = []
        start = 0
        while (end := text.find("\n", start + CHUNK_CHARS)) >= 0:
            self._chunks.append(text[start:end])
            start = end + 1
        self._chunks.append(text[start:])
        self._sizes = [chunk.count("\n") + 1 for chunk in self._chunks]
        self._count = sum(self._sizes)

    def __len__(self) -> int:
        return self._count

    def texts(self) -> list[str]:
        """Every block's text (a new list)."""
        return "\n".join(self._chunks).split("\n")

    def replace(self, first: int, old_last: int, fresh: list[str]) -> list[str]:
        """Blocks `first`..`old_last` (inclusive; `old_last` = first - 1 for none) become
        `fresh`; returns their old texts."""
        if not 0 <= first <= self._count or not first - 1 <= old_last < self._count:
            raise IndexError(f"blocks {first}-{old_last} of {self._count}")
        low, start = self._chunk_of(min(first, self._count - 1))
        high, _ = self._chunk_of(max(old_last, first - 1, start))
        lines = "\n".join(self._chunks[low : high + 1]).split("\n")
        at = first - start
        old = lines[at : at + old_last - first + 1]
        lines[at : at + len(old)] = fresh
        if not lines and len(self._chunks) == high - low + 1:
            lines = [""]  # every block went: the document is one empty block
        self._chunks[low : high + 1] = [
            "\n".join(lines[i : i + CHUNK_BLOCKS]) for i in range(0, len(lines), CHUNK_BLOCKS)
        ]
        self._sizes[low : high + 1] = [
            min(CHUNK_BLOCKS, len(lines) - i) for i in range(0, len(lines), CHUNK_BLOCKS)
        ]
        self._count = sum(self._sizes)
        return old

    def _chunk_of(self, block: int) -> tuple[int, int]:
        """(index of the chunk holding `block`, the number of its first block)."""
        start = 0
        for index, size in enumerate(self._sizes):
            if block < start + size:
                return index, start
            start += size
        return len(self._sizes) - 1, start - self._sizes[-1]


class DocumentFeed:
    """The open document's word and phrase model, updated off the GUI thread."""

    def __init__(self) -> None:
        self.model = DocumentModel()
        self.builds = 0  # finished builds (tests and the benchmark wait on it)
        self._texts = BlockTexts()  # the worker's copy of every block's text
        self._queue: queue.Queue[tuple | None] = queue.Queue()
        self._generation = 0
        self._thread = threading.Thread(target=self._work, name="document-model", daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------- GUI thread
    def reset(self, text: str) -> None:
        """The document is now `text` (blocks separated by "\\n" or U+2029)."""
        self._generation += 1
        self.model = DocumentModel()  # nothing of the old document may vouch for this one
        self._queue.put(("reset", text, self._generation))

    def edit(self, first: int, old_last: int, fresh: list[str]) -> None:
        """Blocks `first`..`old_last` (inclusive; `old_last` = first - 1 for none) are now
        the blocks `fresh`."""
        self._queue.put(("edit", first, old_last, fresh))

    def settled(self) -> bool:
        """True when every reported change has been counted."""
        return self._queue.unfinished_tasks == 0

    def close(self) -> None:
        """Stop the worker thread (what is queued is dropped)."""
        self._queue.put(None)
        self._thread.join(timeout=5)

    # ---------------------------------------------------------------- the worker thread
    def _work(self) -> None:
        lower_thread_priority()
        while True:
            batch = [self._queue.get()]
            while not self._queue.empty():  # a later reset makes earlier work moot
                batch.append(self._queue.get_nowait())
            try:
                if None in batch:
                    return
                resets = [i for i, job in enumerate(batch) if job[0] == "reset"]
                for job in batch[resets[-1] if resets else 0 :]:
                    self._apply(job)
            except Exception:  # noqa: BLE001 - the feed must survive any failure
                log.exception("Document model update failed")
            finally:
                for _job in batch:
                    self._queue.task_done()

    def _apply(self, job: tuple) -> None:
        if job[0] == "reset":
            text = job[1].replace(BLOCK_SEPARATOR, "\n")
            model = DocumentModel()
            model.build(text)
            self._texts = BlockTexts(text)
            if job[2] == self._generation:  # else a newer document is already on its way
                self.model = model
            self.builds += 1
            return
        _kind, first, old_last, fresh = job
        if not 0 <= first <= len(self._texts) or old_last >= len(self._texts):
            log.warning("Edit of blocks %d-%d outside %d blocks", first, old_last, len(self._texts))
            return
        old = self._texts.replace(first, old_last, fresh)
        self.model.update_paragraph(first, "\n".join(old), "\n".join(fresh))
