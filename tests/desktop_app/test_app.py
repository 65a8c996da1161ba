"""Start-up pieces: a crash inside native code leaves its stacks in the log folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_native_crash_leaves_a_fault_log(tmp_path) -> None:
    script = (
        "import faulthandler\n"
        "from desktop_app.app import setup_logging\n"
        "setup_logging()\n"
        "faulthandler._sigsegv()\n"
    )
    env = dict(os.environ, INKLING_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, timeout=60)
    assert done.returncode != 0
    faults = list(tmp_path.rglob("inkling-faults.log"))
    assert faults and "Segmentation fault" in faults[0].read_text()
