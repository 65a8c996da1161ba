"""Run an `inkling bench …` in a child process, offscreen, as a writer would from the shell."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_bench(out: Path, *args: str, timeout: float) -> tuple[str, dict]:
    """Run `python -m desktop_app bench ARGS --json OUT` from the repository root; fail the test
    with the child's stderr when it exits non-zero, else return (stdout, figures)."""
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "bench", *args, "--json", str(out)],
        cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, json.loads(out.read_text(encoding="utf-8"))
