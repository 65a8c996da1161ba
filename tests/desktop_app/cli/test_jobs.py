"""`inkling jobs`: the stored-job list and `--discard`."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import pytest

from desktop_app.cli import jobs as cli_jobs
from desktop_app.cli.jobs import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main, plain_age
from desktop_app.jobstore.records import StoredState
from desktop_app.jobstore.store import JobStore, default_path
from desktop_app.rewrite.chunking import Chunk


@pytest.fixture
def store():
    opened = JobStore.open()  # the test's own data folder (see tests/conftest.py)
    yield opened
    opened.close()


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_no_jobs(capsys):
    assert main([]) == EXIT_OK
    out, err = capsys.readouterr()
    assert out.strip() == "No stored jobs." and err == ""


def test_lists_id_action_state_age_and_file(store, tmp_path, capsys):
    interrupted = store.create("grammar", "text", path=tmp_path / "chapter one.txt")
    store.set_plan(interrupted, [Chunk("", f"part {i}", "\n\n", 1) for i in range(3)])
    store.record_chunk(interrupted, 0, "done")
    store.set_state(interrupted, StoredState.INTERRUPTED)
    finished = store.create("concise", "text")
    store.set_state(finished, StoredState.FINISHED, result="short")

    assert main([]) == EXIT_OK
    out, err = capsys.readouterr()
    header, *rows = _lines(out)
    for column in ("ID", "ACTION", "STATE", "AGE", "FILE"):
        assert column in header
    assert len(rows) == 2
    by_id = {row.split()[0]: row for row in rows}
    row = by_id[interrupted[:8]]
    assert "grammar" in row and "interrupted" in row and "1/3" in row and "just now" in row
    assert row.endswith(str(tmp_path / "chapter one.txt"))  # spaces in a name stay readable
    row = by_id[finished[:8]]
    assert "concise" in row and "finished (unseen)" in row and "unsaved document" in row
    assert err == ""


def test_discard_by_unique_prefix(store, capsys):
    job_id = store.create("grammar", "text", path="notes.txt")
    other = store.create("formal", "text")
    store.record_chunk(job_id, 0, "chunk")
    assert main(["--discard", job_id[:8]]) == EXIT_OK
    out, _ = capsys.readouterr()
    assert job_id[:8] in out and "notes.txt" in out
    assert store.get(job_id) is None and store.finished_chunks(job_id) == {}
    assert store.get(other) is not None


@pytest.mark.parametrize(
    "given, message",
    [("ffffffffffff", "no stored job"), ("abc", "at least 4"), ("abcd", "matches 2 jobs")],
)
def test_discard_refusals_exit_2_with_one_line(store, capsys, given, message):
    store.create("grammar", "one", job_id="abcd1111" + "0" * 24)
    store.create("grammar", "two", job_id="abcd2222" + "0" * 24)
    assert main(["--discard", given]) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == "" and len(_lines(err)) == 1 and message in err
    assert len(store.list()) == 2


def test_discard_refuses_a_job_running_in_another_live_process(store, capsys):
    job_id = store.create("grammar", "text")
    store.set_state(job_id, StoredState.RUNNING)
    other = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE)  # fmt: skip
    try:
        store._conn().execute("UPDATE jobs SET owner = ? WHERE id = ?", (f"{other.pid}:x", job_id))
        store._conn().commit()
        assert main(["--discard", job_id]) == EXIT_REFUSED
        assert "running in another Inkling" in capsys.readouterr().err
        assert store.get(job_id) is not None
    finally:
        other.communicate(b"")
    # Its process has gone: now the job is an orphan and may be discarded.
    assert main(["--discard", job_id]) == EXIT_OK


def test_a_corrupt_store_is_reported_and_replaced(capsys):
    path = default_path()
    path.write_bytes(b"this is not a database" * 100)
    assert main([]) == EXIT_OK
    out, err = capsys.readouterr()
    assert out.strip() == "No stored jobs."
    assert len(_lines(err)) == 1 and "moved to" in err
    assert list(path.parent.glob(path.name + ".corrupt-*"))


def test_subcommand_parser_like_inkling():
    parser = argparse.ArgumentParser(prog="inkling")
    cli_jobs.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["jobs", "--discard", "abcd"])
    assert args.func is cli_jobs.run and args.discard == "abcd"
    assert parser.parse_args(["jobs"]).discard is None


def test_plain_age():
    assert plain_age(5) == "just now"
    assert plain_age(-3) == "just now"  # a clock set back
    assert plain_age(60) == "1 minute ago"
    assert plain_age(59 * 60) == "59 minutes ago"
    assert plain_age(3600) == "1 hour ago"
    assert plain_age(23 * 3600) == "23 hours ago"
    assert plain_age(30 * 3600) == "yesterday"
    assert plain_age(3 * 86400) == "3 days ago"
    assert plain_age(20 * 86400) == "2 weeks ago"
    assert plain_age(90 * 86400) == "3 months ago"


def test_age_is_measured_from_submission(store, capsys):
    job_id = store.create("grammar", "text")
    store._conn().execute(
        "UPDATE jobs SET created = ? WHERE id = ?", (time.time() - 3 * 86400, job_id)
    )
    store._conn().commit()
    assert main([]) == EXIT_OK
    assert "3 days ago" in capsys.readouterr().out


def test_a_job_whose_process_died_is_listed_as_interrupted(store, capsys):
    job_id = store.create("grammar", "text")
    store.set_state(job_id, StoredState.RUNNING)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    store._conn().execute(
        "UPDATE jobs SET owner = ? WHERE id = ?", (f"{dead.stdout.strip()}:x", job_id)
    )
    store._conn().commit()
    assert main([]) == EXIT_OK
    assert "interrupted" in capsys.readouterr().out
    assert store.get(job_id).state == StoredState.INTERRUPTED
