"""`inkling rewrite` end to end with the real bundled SmolLM2: outputs, exit codes, Ctrl+C."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.bench import fidelity_measures as fm
from desktop_app.cli import rewrite as cli_rewrite
from desktop_app.cli.rewrite import main, output_path_for

ROOT = Path(__file__).resolve().parents[3]
PARAGRAPH = (
    "The quarterly report is due on friday and their are still three sections missing from it. "
    "Sarah said she would wrote the finance part but she havent started yet."
)
SECOND = "Next week we will meet with the design team to discuss the new colours."


def assert_accounted_for(original: str, result: str, err: list[str]) -> None:
    """Every sentence is in the result or a warning line says what is wrong; no new number unsaid.

    Counted independently of the guard (the fidelity benchmark's measures).
    """
    warned = any(": warning: " in line for line in err)
    retained, counted = fm.retention(original, result)
    assert retained == counted or warned, (result, err)
    assert not (fm.numbers(result) - fm.numbers(original)) or warned, (result, err)


def run_cli(capsys, *argv: str) -> tuple[int, str, list[str]]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, [line for line in captured.err.splitlines() if line]


@pytest.fixture
def paragraph_file(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(PARAGRAPH + "\n", encoding="utf-8")
    return path


def test_result_goes_to_stdout_with_progress_on_stderr(capsys, paragraph_file):
    status, out, err = run_cli(capsys, "--action", "concise", str(paragraph_file))
    assert status == 0, err
    assert out.endswith("\n") and out.count("\n") == 1
    assert_accounted_for(PARAGRAPH, out, err)
    assert err[0].startswith("Loading ")
    assert any(line.startswith("report.txt: Reading 1 paragraph") for line in err)
    progress = [line for line in err if ": warning: " not in line]
    assert progress[-1].startswith("report.txt: Done — ")


def test_output_file_is_written_with_the_inputs_line_endings(capsys, tmp_path):
    source = tmp_path / "crlf.txt"
    source.write_bytes((PARAGRAPH + "\r\n\r\n" + SECOND + "\r\n").encode())
    target = tmp_path / "out.txt"
    status, out, err = run_cli(capsys, "--action", "concise", str(source), "-o", str(target))
    assert status == 0, err
    assert out == ""
    data = target.read_bytes()
    # Whatever the model wrote (or the guard kept), the file keeps the input's line endings.
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    assert data.endswith(b"\r\n") and data.strip()
    assert_accounted_for(PARAGRAPH + "\n\n" + SECOND, data.decode(), err)
    assert err[-1].startswith(f"{source} → {target} (") and err[-1].endswith(" s)")


def test_several_files_get_one_output_each_and_a_status_line(capsys, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.md"
    first.write_text(PARAGRAPH, encoding="utf-8")
    second.write_text(SECOND, encoding="utf-8")
    status, out, err = run_cli(capsys, "--action", "formal", "-q", str(first), str(second))
    assert status == 0, err
    assert out == ""
    outputs = [tmp_path / "a.formal.txt", tmp_path / "b.formal.md"]
    assert all(p.read_text(encoding="utf-8").strip() for p in outputs)
    err = [line for line in err if ": warning: " not in line]  # the guard's findings stay
    assert len(err) == 2  # quiet: only the per-file status lines
    assert err[0].startswith(f"{first} → {outputs[0]} (")
    assert err[1].startswith(f"{second} → {outputs[1]} (")
    assert output_path_for(Path("x/notes"), "grammar") == Path("x/notes.grammar.txt")


@pytest.mark.parametrize(
    ("make", "argv", "reason"),
    [
        (lambda d: None, ["--action", "grammar", "{d}/missing.txt"], "missing.txt does not exist"),
        (
            lambda d: (d / "blob.bin").write_bytes(b"\x00\x01\x02PK\x00" * 100),
            ["--action", "grammar", "{d}/blob.bin"],
            "blob.bin looks like a binary file",
        ),
        (
            lambda d: (d / "t.txt").write_text("Text."),
            ["--action", "custom", "{d}/t.txt"],
            "--action custom needs --instruction TEXT",
        ),
        (
            lambda d: [(d / n).write_text("Text.") for n in ("a.txt", "b.txt")],
            ["--action", "grammar", "{d}/a.txt", "{d}/b.txt", "-o", "{d}/nofolder"],
            "with several files, -o must be an existing folder",
        ),
        (
            lambda d: (d / "t.txt").write_text("Text."),
            ["--action", "concise", "--rewrite-model", "{d}/none.gguf", "{d}/t.txt"],
            "none.gguf",
        ),
    ],
    ids=["missing", "binary", "custom-without-instruction", "output-not-folder", "no-model"],
)
def test_failures_exit_non_zero_with_one_line(capsys, tmp_path, make, argv, reason):
    make(tmp_path)
    status, out, err = run_cli(capsys, *[a.format(d=tmp_path) for a in argv])
    assert status in (2, 3)
    assert out == ""
    problems = [line for line in err if not line.startswith("Loading ")]
    assert len(problems) == 1 and problems[0].startswith("inkling rewrite: "), err
    assert reason in problems[0]
    assert not list(tmp_path.glob("*.grammar.*"))


def test_custom_instruction_runs(capsys, paragraph_file):
    status, out, err = run_cli(
        capsys, "--action", "custom", "--instruction", "fix the spelling", str(paragraph_file)
    )
    assert status == 0, err
    assert out.strip()


def test_a_remote_model_does_the_same_job(capsys, monkeypatch, paragraph_file, llama_server):
    monkeypatch.setenv("INKLING_TEST_KEY", "sk-test-not-secret")
    status, out, err = run_cli(
        capsys,
        *("--action", "concise", "--rewrite-model", "remote", "--base-url", llama_server.base_url),
        *("--model", llama_server.model, "--api-key-env", "INKLING_TEST_KEY"),
        str(paragraph_file),
    )
    assert status == 0, err
    assert_accounted_for(PARAGRAPH, out, err)
    assert "sk-test-not-secret" not in "".join(err) + out


def test_an_unset_key_variable_is_one_line(capsys, monkeypatch, paragraph_file):
    monkeypatch.delenv("INKLING_NO_SUCH_KEY", raising=False)
    status, out, err = run_cli(
        capsys,
        *(
            "--action",
            "concise",
            "--rewrite-model",
            "remote",
            "--base-url",
            "http://127.0.0.1:9/v1",
        ),
        *("--model", "m", "--api-key-env", "INKLING_NO_SUCH_KEY", str(paragraph_file)),
    )
    assert (status, out) == (2, "")
    assert err == ["inkling rewrite: environment variable INKLING_NO_SUCH_KEY is not set"]


def test_add_parser_wires_run_into_a_parent_parser():
    parser = argparse.ArgumentParser(prog="inkling")
    cli_rewrite.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["rewrite", "--action", "summarize", "f.txt", "-o", "o.txt"])
    assert args.func is cli_rewrite.run
    assert (args.action, args.files, args.output) == ("summarize", ["f.txt"], "o.txt")


def test_ctrl_c_exits_130_and_leaves_no_output_file(tmp_path):
    source = tmp_path / "long.txt"
    source.write_text("\n\n".join([PARAGRAPH, SECOND] * 6), encoding="utf-8")
    target = tmp_path / "out.txt"
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop_app.cli.rewrite", "--action", "friendly", str(source)]
        + ["-o", str(target)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        seen = []
        for line in child.stderr:  # wait until tokens are really streaming
            seen.append(line)
            if " tokens, " in line:
                break
        assert any(" tokens, " in line for line in seen), seen
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err
    assert err.strip().splitlines()[-1] == "inkling rewrite: cancelled"
    assert "Traceback" not in err
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.txt"]  # no output, no temp file
