"""`inkling proofread`: exit codes, the JSON shape, and --fix keeping encoding and line ends."""

from __future__ import annotations

import argparse
import io
import json

import pytest

import desktop_app.proofreading as proofreading
from desktop_app.cli.proofread import main


@pytest.fixture(scope="module")
def shared_proofreader():
    return proofreading.Proofreader()


@pytest.fixture(autouse=True)
def _one_linter(monkeypatch, shared_proofreader):
    """Every run in this module uses one real Harper linter (building one takes a second)."""
    monkeypatch.setattr(proofreading, "Proofreader", lambda *a, **k: shared_proofreader)


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def test_exit_status_is_0_for_a_clean_file_and_1_with_issues(tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text("The library opens at nine every morning.\n", encoding="utf-8")
    dirty = tmp_path / "dirty.txt"
    dirty.write_text("Intro.\n\nThe libary opens at nine.\n", encoding="utf-8")
    assert _run(str(clean)) == (0, "", "")
    status, out, _ = _run(str(clean), str(dirty))
    assert status == 1
    (line,) = out.splitlines()
    assert line.startswith(f"{dirty}:3:5: ") and "(library" in line


def test_json_is_one_object_per_issue(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("Use `teh` here.\nThe libary and the the end.\n", encoding="utf-8")
    status, out, _ = _run("--json", str(path))
    assert status == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 2
    text = path.read_text(encoding="utf-8")
    for record in records:
        assert {"file", "line", "col", "start", "end", "kind", "message", "suggestions"} <= set(
            record
        )
        assert isinstance(record["suggestions"], list) and record["suggestions"]
        assert record["file"] == str(path) and record["line"] == 2
    assert text[records[0]["start"] : records[0]["end"]] == "libary"


def test_fix_round_trips_a_crlf_cp1252_file_byte_exact_but_the_fixed_words(tmp_path):
    original = "Café owners recieve a libary card.\r\nNothing else changes – ever.\r\n"
    data = original.encode("cp1252")
    source = tmp_path / "letter.txt"
    source.write_bytes(data)
    target = tmp_path / "fixed.txt"
    status, _, err = _run("--fix", str(source), "-o", str(target))
    assert status == 0, err
    expected = data.replace(b"recieve", b"receive").replace(b"libary", b"library")
    assert target.read_bytes() == expected
    assert source.read_bytes() == data  # -o leaves the input alone


def test_fix_in_place_writes_the_file_itself(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("The libary is shut.\n", encoding="utf-8")
    assert _run("--fix", str(path))[0] == 0
    assert path.read_text(encoding="utf-8") == "The library is shut.\n"


@pytest.mark.parametrize(
    "argv",
    [
        ("{missing}",),
        ("{binary}",),
        ("--fix", "{clean}", "{clean}"),
        ("-o", "{clean}.out", "{clean}"),
    ],
)
def test_bad_files_and_arguments_exit_2_with_one_line(tmp_path, argv):
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    clean = tmp_path / "clean.txt"
    clean.write_text("Fine.\n", encoding="utf-8")
    names = {"missing": tmp_path / "nope.txt", "binary": binary, "clean": clean}
    status, out, err = _run(*(a.format(**names) for a in argv))
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("inkling proofread: ")


def test_an_unknown_dialect_is_a_usage_error(tmp_path, capsys):
    assert main(["--dialect", "klingon", str(tmp_path / "x.txt")]) == 2


def test_rewrite_grammar_writes_what_fix_writes_without_a_model(tmp_path):
    from desktop_app.cli import rewrite

    data = "Café owners recieve a libary card.\r\nThe the end.\r\n".encode("cp1252")
    source = tmp_path / "letter.txt"
    source.write_bytes(data)
    fixed, rewritten = tmp_path / "fixed.txt", tmp_path / "rewritten.txt"
    assert _run("--fix", str(source), "-o", str(fixed))[0] == 0
    parser = rewrite._configure(argparse.ArgumentParser())
    # A model that does not exist: the grammar action must never try to load one.
    args = parser.parse_args(
        ["--action", "grammar", str(source), "-o", str(rewritten), "--rewrite-model", "/nope.gguf"]
    )
    out, err = io.StringIO(), io.StringIO()
    assert rewrite.run(args, out, err) == 0, err.getvalue()
    assert rewritten.read_bytes() == fixed.read_bytes() != data
    args = parser.parse_args(["--action", "grammar", str(source)])
    assert rewrite.run(args, out, err) == 0
    assert out.getvalue() == fixed.read_bytes().decode("cp1252").replace("\r\n", "\n")


def test_check_has_a_proofread_line():
    from desktop_app.cli.check import Watchdog, _proofread

    line = _proofread(Watchdog(60))
    assert line.startswith("Harper: linter ") and "'recieved' flagged" in line
