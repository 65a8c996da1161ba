"""Time the packaged app's start-up on a real X display, and optionally screenshot its window.

Run under an X server, e.g.::

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python packaging/measure_startup.py \
        --runs 3 --screenshot docs/screenshot-frozen.png

Each run starts `dist/inkling/inkling` with an empty temporary HOME (and no network, through
`unshare -n`, when that works) and `INKLING_STARTUP_PROBE` set, so `startup_probe.py` inside the
bundle records when the window was exposed, when the inline model was ready and when the first
suggestion was painted after typing a sentence. Times are from the moment this script spawned
the process. The screenshot is taken with ImageMagick's `import -window root` while the first
suggestion is showing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ("python_started", "window_exposed", "inline_model_ready", "first_suggestion_painted")


def _no_network_prefix() -> list[str]:
    """`unshare -n` (or `-rn` for non-root users) when allowed, else nothing."""
    unshare = shutil.which("unshare")
    for flags in ("-n", "-rn"):
        if (
            unshare
            and subprocess.run([unshare, flags, "true"], capture_output=True).returncode == 0
        ):
            return [unshare, flags]
    return []


def run_once(app: Path, screenshot: Path | None, timeout: float) -> dict[str, object]:
    """Start the app once; return the probe's events as ms from spawn (plus a few extras)."""
    with tempfile.TemporaryDirectory(prefix="inkling-home-") as home:
        out = Path(home) / "probe.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("INKLING_", "QT_QPA"))}
        env.update(HOME=home, INKLING_STARTUP_PROBE=str(out))
        if screenshot is not None:
            env["INKLING_STARTUP_PROBE_HOLD"] = "1"
        command = [*_no_network_prefix(), str(app)]
        spawned = time.time()
        process = subprocess.Popen(command, env=env, cwd=home)
        events: dict[str, object] = {}
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if out.is_file():
                    events = json.loads(out.read_text(encoding="utf-8"))
                    if "probe_done" in events:
                        break
                if process.poll() is not None:
                    break
                time.sleep(0.05)  # polling a file another process writes: no signal to wait on
            if screenshot is not None and events.get("ok"):
                time.sleep(0.3)  # let the ghost text paint before the grab
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run(["import", "-window", "root", str(screenshot)], check=True)
        finally:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        result: dict[str, object] = {
            name: round((float(events[name]) - spawned) * 1000) for name in EVENTS if name in events
        }
        result["suggestion"] = events.get("suggestion")
        result["ok"] = events.get("ok", False)
        result["network"] = "none" if command[0] != str(app) else "host"
        if "error" in events:
            result["error"] = events["error"]
        return result


def main(argv: list[str] | None = None) -> int:
    """Measure `--runs` start-ups and print each with the median."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "dist" / "inkling" / "inkling")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the last run")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        print("no DISPLAY: run this under xvfb-run", file=sys.stderr)
        return 2
    results = []
    for index in range(args.runs):
        shot = args.screenshot if index == args.runs - 1 else None
        result = run_once(args.app, shot, args.timeout)
        results.append(result)
        print(json.dumps(result), flush=True)
    for name in EVENTS:
        values = sorted(int(r[name]) for r in results if name in r)  # type: ignore[arg-type]
        if values:
            print(f"{name:26} median {values[len(values) // 2]:6d} ms   all {values}")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
