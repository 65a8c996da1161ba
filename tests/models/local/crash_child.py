"""Stand-ins for the trial-load child: one that crashes as llama.cpp would, one that hangs."""

from __future__ import annotations

import os
import signal
import time


def crash(_path: str, report) -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def hang(_path: str, report) -> None:
    time.sleep(60)
