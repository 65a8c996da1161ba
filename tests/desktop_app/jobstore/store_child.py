"""Child process for the kill -9 test: records chunks of one job in a loop until it is killed.

Usage: store_child.py STORE_PATH direct|writer. It creates a running job, prints "job ID", then
for each chunk index i records `chunk_text(i)` and prints "chunk i" only once the write is
durable (`record_chunk` returned, or the writer's `flush` did), flushing each line, so the
parent knows which chunks must survive the kill.
"""

from __future__ import annotations

import sys

CHUNKS = 5_000  # more than any run gets through before the kill


def chunk_text(index: int) -> str:
    """The exact result recorded for chunk `index` (a few KB, so each write takes a while)."""
    return f"chunk {index} " + ("lorem ipsum dolor sit amet " * 150) + f"end {index}"


def main() -> None:
    from desktop_app.jobstore.store import JobStore, StoredState
    from desktop_app.jobstore.writer import StoreWriter
    from desktop_app.rewrite.chunking import Chunk

    path, mode = sys.argv[1], sys.argv[2]
    store = JobStore.open(path)
    plan = [Chunk("", f"source {i}", "\n\n", 1) for i in range(CHUNKS)]
    job_id = store.create("grammar", "original text", path="doc.txt", chunks=plan)
    store.set_state(job_id, StoredState.RUNNING)
    print(f"job {job_id}", flush=True)
    writer = StoreWriter(store) if mode == "writer" else None
    for index in range(CHUNKS):
        if writer is None:
            store.record_chunk(job_id, index, chunk_text(index))
        else:
            writer.record_chunk(job_id, index, chunk_text(index))
            writer.flush()
        print(f"chunk {index}", flush=True)


if __name__ == "__main__":
    main()
