"""Kill -9 a process at random moments while it saves: the file is always wholly old or wholly new.

The default run does `INKLING_KILL_TRIALS` (210) trials spread over 1 KB, 1 MB and mixed
1 KB + 1 MB + 20 MB saves; set the variable higher for a longer soak.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from desktop_app.documents.storage import TEMP_MARKER, cleanup_stray_temps, save_text
from tests.desktop_app.documents.save_loop_child import content, file_name

REPO = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("save_loop_child.py")
KB, MB = 1024, 1024 * 1024
# (sizes saved in turn by the child, longest delay before the kill in seconds)
MODES = [([KB], 0.05), ([MB], 0.12), ([KB, MB, 20 * MB], 0.6)]


def _state(lines: list[str], name: str) -> tuple[int | None, int | None]:
    """Last version reported saved, and a later version whose save had begun, for `name`."""
    saved = started = None
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or parts[1] != name:
            continue  # the kill may cut the last line short
        if parts[0] == "saved":
            saved = int(parts[2])
        elif parts[0] == "saving":
            started = int(parts[2])
    return saved, (started if started != saved else None)


def _run_lane(folder: Path, lane: int, trials: int, seed: int) -> tuple[Counter[str], int]:
    """Run `trials` kill trials in `folder`; return save outcomes and trials that left temps."""
    rng = random.Random(seed * 1000 + lane)
    folder.mkdir()
    current: dict[int, int] = {}  # size -> version now on disk
    for size in {s for sizes, _ in MODES for s in sizes}:
        save_text(folder / file_name(size), content(size, 0).decode("ascii"))
        current[size] = 0
    next_version = 1
    outcomes: Counter[str] = Counter()
    trials_with_strays = 0
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    for trial in range(trials):
        sizes, max_delay = MODES[(trial + lane) % len(MODES)]
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(folder), str(next_version), *map(str, sizes)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        # The random moment is the point of the trial, not a wait for something.
        time.sleep(rng.uniform(0, max_delay))
        proc.send_signal(signal.SIGKILL)
        lines = proc.stdout.read().splitlines()
        proc.wait()
        proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL

        for size in sizes:
            name = file_name(size)
            saved, begun = _state(lines, name)
            allowed = [v for v in (saved, begun) if v is not None] or [current[size]]
            if saved is None and begun is not None:
                allowed.append(current[size])
            data = (folder / name).read_bytes()
            matches = [v for v in allowed if data == content(size, v)]
            assert matches, (
                f"lane {lane} trial {trial}: {name} ({len(data)} bytes) is neither version "
                f"{allowed}; starts {data[:20]!r}"
            )
            current[size] = matches[0]
            if begun is not None:
                outcomes[f"{size}:{'new' if matches[0] == begun else 'old'}"] += 1
            next_version = max(next_version, (begun or saved or 0) + 1)

        strays = [n for n in os.listdir(folder) if TEMP_MARKER in n]
        if strays:
            trials_with_strays += 1
            # A fresh temp may belong to a live save elsewhere, so only old ones are cleaned.
            assert cleanup_stray_temps(folder) == 0
            past = time.time() - 120
            for n in strays:
                os.utime(folder / n, (past, past))
            assert cleanup_stray_temps(folder) == len(strays)
        assert sorted(os.listdir(folder)) == sorted(file_name(s) for s in current)
    return outcomes, trials_with_strays


@pytest.mark.timeout(300)
def test_kill_during_save_leaves_old_or_new(tmp_path, record_property):
    trials = int(os.environ.get("INKLING_KILL_TRIALS", "210"))
    seed = int(os.environ.get("INKLING_KILL_SEED", "6"))
    started = time.monotonic()
    # Two lanes in parallel (one per core): each has its own folder and child process.
    with ThreadPoolExecutor(2) as pool:
        lanes = [
            pool.submit(_run_lane, tmp_path / f"lane{i}", i, trials // 2 + i * (trials % 2), seed)
            for i in range(2)
        ]
        results = [lane.result() for lane in lanes]
    outcomes = results[0][0] + results[1][0]
    trials_with_strays = results[0][1] + results[1][1]
    elapsed = time.monotonic() - started
    interrupted = sum(outcomes.values())
    summary = (
        f"{trials} kill -9 trials in {elapsed:.1f}s; kills during a save: {interrupted} "
        f"({dict(sorted(outcomes.items()))}); trials leaving a temp file: {trials_with_strays}; "
        "every file wholly old or wholly new"
    )
    print(summary)
    record_property("kill_trials", summary)
    # The trials must really have hit saves of every size, or they prove little.
    for size in (KB, MB, 20 * MB):
        hits = outcomes[f"{size}:new"] + outcomes[f"{size}:old"]
        assert hits >= max(1, trials // 30), f"only {hits} kills landed in a {size}-byte save"
    assert trials_with_strays >= max(1, trials // 30)
