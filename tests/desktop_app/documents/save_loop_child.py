"""Child process for the kill -9 trials: saves new versions of files in a loop until killed.

Usage: save_loop_child.py FOLDER FIRST_VERSION SIZE [SIZE...]. It prints "ready", then for each
version and size "saving NAME V" before and "saved NAME V" after `save_text`, flushing each line,
so the parent knows which versions a file may legitimately hold when the kill lands.
"""

from __future__ import annotations

import random
import sys
from functools import cache
from pathlib import Path

# A prime period, so two versions (rotations by different amounts) never line up: a file made of
# one version's start and another's end matches neither.
_PERIOD = 65537


@cache
def _base(size: int) -> bytes:
    rng = random.Random(size)
    block = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz      \n") for _ in range(_PERIOD))
    return (block * (size // _PERIOD + 2))[: size + _PERIOD]


def content(size: int, version: int) -> bytes:
    """The exact bytes of `version` of the file of `size` bytes (ASCII, so text == bytes)."""
    shift = (version * 7919) % _PERIOD
    header = f"version {version}\n".encode()
    return header + _base(size)[shift : shift + size - len(header)]


def file_name(size: int) -> str:
    return f"f{size}.txt"


def main() -> None:
    from desktop_app.documents.storage import save_text

    folder = Path(sys.argv[1])
    version = int(sys.argv[2])
    sizes = [int(s) for s in sys.argv[3:]]
    for size in sizes:
        _base(size)
    print("ready", flush=True)
    while True:
        for size in sizes:
            name = file_name(size)
            text = content(size, version).decode("ascii")
            print(f"saving {name} {version}", flush=True)
            save_text(folder / name, text)
            print(f"saved {name} {version}", flush=True)
        version += 1


if __name__ == "__main__":
    main()
