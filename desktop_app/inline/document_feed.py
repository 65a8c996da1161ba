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


class DocumentFeed:
    """The open document's word and phrase model, updated off the GUI thread."""

    def __init__(self) -> None:
        self.model = DocumentModel()
        self.builds = 0  # finished builds (tests and the benchmark wait on it)
        self._texts: list[str] = [""]  # the worker's copy of every block's text
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
            self._texts = text.split("\n")
            if job[2] == self._generation:  # else a newer document is already on its way
                self.model = model
            self.builds += 1
            return
        _kind, first, old_last, fresh = job
        if not 0 <= first <= len(self._texts) or old_last >= len(self._texts):
            log.warning("Edit of blocks %d-%d outside %d blocks", first, old_last, len(self._texts))
            return
        old = self._texts[first : old_last + 1]
        self.model.update_paragraph(first, "\n".join(old), "\n".join(fresh))
        self._texts[first : old_last + 1] = fresh
