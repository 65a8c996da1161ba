"""`inkling bench open`: open a big text in the real window offscreen, type into it, save it.

The text is built from the corpus (`../shared/corpus/*.txt`, repeated to the asked size). A 5 ms
GUI heartbeat measures how long the GUI thread was ever busy while the file opened, while keys
were typed at the end and in the middle (at a fast typist's pace, so the recovery snapshots
taken during and after typing are included), and while the result was saved.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from desktop_app.bench.common import (
    Heartbeat,
    isolate_settings,
    peak_rss_mb,
    print_table,
    write_json,
)
from desktop_app.perf import percentile

KEY_INTERVAL_MS = 60  # ~170 words a minute: fast, steady typing
PAUSE_MS = 1500  # a pause after typing: the recovery snapshot is taken in it


def add_parser(benches) -> None:
    """Register `inkling bench open`."""
    parser = benches.add_parser("open", help="open a big file in the window, type, save")
    parser.add_argument("--size-mb", type=float, default=20.0, help="file size (default 20)")
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--text", metavar="FILE", help="a text to repeat to the size")
    source.add_argument("--corpus", metavar="FOLDER", help="a folder of .txt files to repeat")
    parser.add_argument("--keys", type=int, default=120, help="keys typed at each place")


_VOCABULARY = (
    "the a of and to in that it was her his she he with for as had on but at not be by all "
    "letter morning house garden window evening road river question answer reason moment "
    "quiet sudden careful bright long small early late written spoken remembered walked "
    "waited turned opened closed thought looked found kept gave took brought always never"
)
_WORDS = _VOCABULARY.split()


def generated_prose(size: int, seed: int = 1) -> str:
    """About `size` characters of plain prose-like text in paragraphs (deterministic)."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    total = 0
    while total < size:
        sentences = []
        for _ in range(rng.randint(3, 7)):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 18))]
            sentences.append(" ".join(words).capitalize() + rng.choice(".....?!"))
        paragraphs.append(" ".join(sentences))
        total += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs) + "\n"


def build_text(corpus: Path | None, size_mb: float, text_file: Path | None = None) -> str:
    """A text repeated to `size_mb` MiB of UTF-8, cut after a line: the given file, the
    corpus folder's texts, or (by default) generated prose, so nothing outside the package is
    needed."""
    size = int(size_mb * 2**20)
    if text_file is not None:
        base = text_file.read_text(encoding="utf-8")
    elif corpus is not None:
        sources = sorted(p for p in corpus.glob("*.txt"))
        if not sources:
            raise SystemExit(f"No .txt files in {corpus}")
        base = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    else:
        base = generated_prose(min(size, 1 << 20))
    data = (base * (size // max(1, len(base.encode("utf-8"))) + 1)).encode("utf-8")[:size]
    text = data.decode("utf-8", "ignore")
    return text[: text.rfind("\n") + 1] or text


def run(args: argparse.Namespace) -> int:
    """Build the file, run the benchmark, print (and maybe save) the figures."""
    isolate_settings()
    # Recovery snapshots of the benchmark must not land among the writer's own.
    os.environ.setdefault("INKLING_DATA_DIR", tempfile.mkdtemp(prefix="inkling-bench-data-"))
    text = build_text(
        Path(args.corpus) if args.corpus else None,
        args.size_mb,
        Path(args.text) if args.text else None,
    )
    with tempfile.TemporaryDirectory(prefix="inkling-bench-open-") as folder:
        path = Path(folder) / "big.txt"
        path.write_text(text, encoding="utf-8")
        figures = measure(path, text, args.keys)
    print_table(f"inkling bench open ({args.size_mb:g} MB)", figures)
    write_json(args.json, figures)
    return 0


def _keys(count: int) -> str:
    words = ["the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"]
    out = []
    while sum(map(len, out)) < count:
        out.append(words[len(out) % len(words)] + " ")
    return "".join(out)[:count]


def measure(path: Path, text: str, keys: int) -> dict[str, object]:
    """Open `path` (whose content is `text`) in a real window and return the figures."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    from desktop_app.bench.common import open_window, wait_until
    from desktop_app.documents.document import count_words
    from ui.documents.document_guard import DocumentGuard

    DocumentGuard.offer_at_start = False  # no recovery question in an unattended run
    window = open_window(1000, 700)
    wait_until(lambda: window.guard.encoding_menu is not None, 10)  # start-up work done
    heartbeat = Heartbeat()
    figures: dict[str, object] = {
        "size_mb": round(path.stat().st_size / 2**20, 2),
        "chars": len(text),
    }

    heartbeat.start()
    started = time.perf_counter()
    window.open_path(path)
    if not wait_until(lambda: not window.is_loading(), 300):
        raise SystemExit("The file did not open within 300 s")
    figures["open_ms"] = round((time.perf_counter() - started) * 1000, 1)
    wait_until(lambda: False, 0.2)  # anything the open left queued
    heartbeat.stop()
    figures["open_heartbeat_max_ms"] = heartbeat.summary()["heartbeat_max_ms"]
    figures["open_heartbeat_p99_ms"] = heartbeat.summary()["heartbeat_p99_ms"]
    figures["blocks"] = window.editor.document().blockCount()
    figures["rss_after_open_mb"] = round(peak_rss_mb(), 1)
    words, chars = window.guard.counts()
    figures["counts_ok"] = chars == len(text) and words == count_words(text)

    editor = window.editor
    typed = _keys(keys)
    key_ms: list[float] = []
    plan: list[tuple[str, int | None]] = [("", editor.document().characterCount() - 1)]
    plan += [(c, None) for c in typed]
    plan += [("", len(text) // 2)]
    plan += [(c, None) for c in typed]
    state = {"i": 0, "done": False}

    def step() -> None:
        if state["i"] >= len(plan):
            state["done"] = True
            return
        char, move_to = plan[state["i"]]
        state["i"] += 1
        if move_to is not None:
            cursor = editor.textCursor()
            cursor.setPosition(move_to)
            editor.setTextCursor(cursor)
        else:
            t0 = time.perf_counter()
            QTest.keyClick(editor, char)
            key_ms.append((time.perf_counter() - t0) * 1000)
        QTimer.singleShot(KEY_INTERVAL_MS, step)

    heartbeat.start()
    QTimer.singleShot(0, step)
    wait_until(lambda: state["done"], 600)
    typing = heartbeat.summary()
    heartbeat.start()
    wait_until(lambda: False, PAUSE_MS / 1000)
    heartbeat.stop()
    figures["typing_heartbeat_max_ms"] = typing["heartbeat_max_ms"]
    figures["typing_heartbeat_p99_ms"] = typing["heartbeat_p99_ms"]
    figures["pause_heartbeat_max_ms"] = heartbeat.summary()["heartbeat_max_ms"]
    figures["key_p50_ms"] = percentile(key_ms, 0.5)
    figures["key_max_ms"] = max(key_ms) if key_ms else None
    figures["typed_ok"] = editor.document().characterCount() - 1 == len(text) + 2 * len(typed)

    heartbeat.start()
    started = time.perf_counter()
    window.save()
    wait_until(lambda: not window.is_saving(), 120)
    figures["save_ms"] = round((time.perf_counter() - started) * 1000, 1)
    heartbeat.stop()
    figures["save_heartbeat_max_ms"] = heartbeat.summary()["heartbeat_max_ms"]
    figures["peak_rss_mb"] = round(peak_rss_mb(), 1)

    editor.moveCursor(QTextCursor.MoveOperation.Start)
    editor.document().setModified(False)
    window.close()
    window.shutdown()
    return figures
