"""`inkling rewrite --resume` after a kill -9: finished files and stored chunks are not redone.

The killed run is a real `inkling rewrite` child process with the real bundled SmolLM2; the
resumed run is the same command in this process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from desktop_app.cli.rewrite import main
from desktop_app.jobstore.records import StoredState
from desktop_app.jobstore.store import JobStore, default_path
from tests.ui.rewrite.test_background_jobs import DOCUMENT, PARAGRAPHS

ROOT = Path(__file__).resolve().parents[3]


def kill_after_chunks(argv: list[str], chunks: int) -> list[str]:
    """Run `inkling rewrite ARGV` in a child; kill -9 it once it starts chunk `chunks` + 1 of
    its second file (the earlier chunks are then in the store); return its stderr lines."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "rewrite", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 150
        for line in child.stderr:  # a chunk's next stage prints after it was committed
            lines.append(line.rstrip("\n"))
            if f"long.txt: Chunk {chunks + 1} of " in line or time.monotonic() > deadline:
                break
    finally:
        child.kill()  # SIGKILL: no Ctrl+C handler, nothing marked
        child.wait(10)
    return lines


def test_resume_keeps_finished_files_and_chunks(tmp_path, capsys):
    short, long = tmp_path / "short.txt", tmp_path / "long.txt"
    short.write_text(PARAGRAPHS[0] + "\n", encoding="utf-8")
    long.write_text(DOCUMENT, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    argv = ["--action", "concise", str(short), str(long), "-o", str(out)]
    lines = kill_after_chunks(argv, 2)
    assert any("long.txt: Chunk 3 of " in line for line in lines), lines
    short_out = out / "short.concise.txt"
    assert short_out.exists() and not (out / "long.concise.txt").exists()
    short_written = short_out.stat().st_mtime_ns

    store = JobStore.open(default_path())
    (killed,) = [j for j in store.list() if j.path == str(long)]
    before = store.get(killed.id)
    store.close()
    assert killed.state == StoredState.RUNNING and len(before.chunk_results) >= 2

    status = main([*argv, "--resume"])
    err = capsys.readouterr().err
    assert status == 0, err
    done, total = len(before.chunk_results), before.chunk_count
    assert f"long.txt: resumed: {done} of {total} chunks already done" in err
    redone = re.search(r"long\.txt: (\d+) chunk\(s\) generated, (\d+) reused", err)
    assert redone and (int(redone[1]), int(redone[2])) == (total - done, done), err
    assert "short.txt → " in err and "kept from the interrupted run" in err
    assert short_out.stat().st_mtime_ns == short_written  # the finished file was not redone

    store = JobStore.open(default_path())
    after = store.get(killed.id)
    store.close()
    assert after.state == StoredState.APPLIED
    assert all(after.chunk_results[i] == text for i, text in before.chunk_results.items())
    assert (out / "long.concise.txt").read_text(encoding="utf-8") == after.result
