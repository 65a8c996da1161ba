"""Tests for desktop_app.documents.storage: encodings round trip, binary refusal, and saves that fail safely."""

from __future__ import annotations

import errno
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from desktop_app.documents import storage
from desktop_app.documents.storage import (
    DiskStamp,
    FileFormat,
    LoadError,
    SaveError,
    cleanup_stray_temps,
    encode_text,
    load_text,
    save_text,
)

REPO = Path(__file__).resolve().parents[3]
HYPO = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _save_as_loaded(path, loaded, text=None):
    """Save as the window does (DocumentFile): the text in the format it was loaded with."""
    fmt = loaded.format
    text = loaded.text if text is None else text
    return save_text(path, text, fmt.encoding, fmt.newline, fmt.bom, loaded.line_endings)


# The round trips are about bytes, not disks: run them in RAM so thousands of fsyncs stay cheap
# when the machine's disk is busy. The failure tests below use real file systems.
_RAM = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


@pytest.fixture
def ram_dir():
    with tempfile.TemporaryDirectory(dir=_RAM) as d:
        yield Path(d)


def _chars_for(encoding: str) -> st.SearchStrategy[str]:
    """Single characters the encoding can hold; editor text never has CR, U+2029 or the other
    characters QTextDocument turns into line breaks, and a text file no control characters
    (beyond tab and line feed: a text of them is refused as binary, by design)."""

    def fits(ch: str) -> bool:
        try:
            ch.encode(encoding)
        except UnicodeEncodeError:
            return False
        return ch not in "\r\u2029\ufdd0\ufdd1"

    base = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n")
    return st.one_of(base, st.sampled_from("\n\n\n \taé€—ü")).filter(fits)


def _texts(encoding: str) -> st.SearchStrategy[str]:
    return st.lists(_chars_for(encoding), max_size=300).map("".join)


FORMATS = [
    ("utf-8", False),
    ("utf-8", True),
    ("cp1252", False),
    ("utf-16-le", False),
    ("utf-16-le", True),
    ("utf-16-be", True),
    ("utf-32-le", True),
]


def _temps(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if storage.TEMP_MARKER in n]


# ------------------------------------------------------------------------------ round trips


@pytest.mark.parametrize("encoding,bom", FORMATS)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_round_trip_hypothesis(ram_dir, encoding, bom, newline):
    path = ram_dir / "doc.txt"

    @HYPO
    @given(text=_texts(encoding))
    def check(text: str) -> None:
        # A leading U+FEFF is indistinguishable from a byte order mark once on disk.
        assume(bom or not text.startswith("\ufeff"))
        stamp = save_text(path, text, encoding, newline, bom)
        assert stamp == DiskStamp.of(path)
        raw = path.read_bytes()
        # Without a BOM, cp1252 and UTF-16 cannot be told apart from UTF-8/binary: the writer
        # picks them with "Reopen with encoding…", which is the explicit argument.
        auto = bom or encoding == "utf-8"
        loaded = load_text(path, None if auto else encoding)
        assert loaded.text == text
        assert loaded.format == FileFormat(encoding, newline if "\n" in text else "\n", bom)
        assert loaded.fallback is False
        assert loaded.stamp == stamp
        # Open, then save unedited: identical bytes.
        _save_as_loaded(path, loaded)
        assert path.read_bytes() == raw
        assert _temps(ram_dir) == []

    check()


@HYPO
@given(raw=st.binary(max_size=400))
def test_any_openable_bytes_save_back_identically(raw):
    # Whatever bytes we agree to open with consistent line endings, we write back unchanged
    # (cp1252/latin-1 fallbacks, stray CRs, fake BOMs, invalid UTF-16 after a BOM...).
    with tempfile.TemporaryDirectory(dir=_RAM) as d:
        path = Path(d) / "x.txt"
        path.write_bytes(raw)
        try:
            loaded = load_text(path)
        except LoadError as exc:
            assert "binary" in str(exc)
            return
        assert "\x00" not in loaded.text and "\r" not in loaded.text
        _save_as_loaded(path, loaded)
        if loaded.invalid_bytes:
            return  # bad UTF-8 bytes were shown (and are saved) as U+FFFD, and the writer told
        assert path.read_bytes() == raw


# Bytes that make text files: letters, every kind of line ending, UTF-8 and cp1252 accents,
# a BOM, bad UTF-8 bytes.
_TEXTY = st.lists(
    st.sampled_from(
        [b"a", b"word ", b"\n", b"\r\n", b"\r", b"\xc3\xa9", b"\xe2\x80\xa9", b"\xe9", b"\xff"]
        + [b"\xef\xbb\xbf", b"\t", b"\xe2\x80\xa8", b"\xc2\xa0"]
    ),
    max_size=80,
).map(b"".join)


@HYPO
@given(raw=_TEXTY)
def test_text_files_with_mixed_line_endings_save_back_identically(raw):
    with tempfile.TemporaryDirectory(dir=_RAM) as d:
        path = Path(d) / "x.txt"
        path.write_bytes(raw)
        loaded = load_text(path)
        assert not set(loaded.text) & set("\r\u2029")  # the editor sees "\n" only
        _save_as_loaded(path, loaded)
        if not loaded.invalid_bytes:
            assert path.read_bytes() == raw


def test_large_file_round_trip_with_crlf_split_across_slices(tmp_path):
    # Put a CRLF exactly across the decoder's slice boundary.
    line = "x" * (storage._SLICE - 1) + "\r\n"
    raw = (line * 3 + "é\r\n").encode("utf-8")
    path = tmp_path / "big.txt"
    path.write_bytes(raw)
    loaded = load_text(path)
    assert loaded.format.newline == "\r\n" and not loaded.mixed_newlines
    assert "\r" not in loaded.text and loaded.text.count("\n") == 4
    _save_as_loaded(path, loaded)
    assert path.read_bytes() == raw


# ------------------------------------------------------------------------------ loading


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\x7fELF\x02\x01\x01\x00" + bytes(64),
        b"plain text at first" + b"\x00" * 3 + b"then more",
    ],
)
def test_binary_files_refused(tmp_path, raw):
    path = tmp_path / "thing.txt"
    path.write_bytes(raw)
    with pytest.raises(LoadError, match="binary"):
        load_text(path)


def test_missing_folder_and_unreadable(tmp_path):
    with pytest.raises(LoadError, match="does not exist"):
        load_text(tmp_path / "nope.txt")
    with pytest.raises(LoadError, match="folder"):
        load_text(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # opening it for reading would block until a writer came along
    with pytest.raises(LoadError, match="not a regular file"):
        load_text(fifo)


def test_invalid_utf8_falls_back_to_cp1252(tmp_path):
    path = tmp_path / "old.txt"
    raw = "Café – “quoted” €5\r\n".encode("cp1252")
    path.write_bytes(raw)
    loaded = load_text(path)
    assert loaded.fallback is True
    assert loaded.format.encoding == "cp1252"
    assert loaded.text == "Café – “quoted” €5\n"
    _save_as_loaded(path, loaded)
    assert path.read_bytes() == raw


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"a\x81b\xe9")
    loaded = load_text(path)
    assert loaded.fallback and loaded.format.encoding == "iso8859-1"
    assert loaded.text == "a\x81bé"


def test_reopen_with_encoding(tmp_path):
    path = tmp_path / "w.txt"
    path.write_bytes("naïve\n".encode("utf-16-le"))
    assert load_text(path, "utf-16-le").text == "naïve\n"
    assert load_text(path, "utf-16").text == "naïve\n"
    path.write_bytes("Ünïcode\nline two é".encode("cp1252"))
    with pytest.raises(LoadError, match=r"not valid utf-8 .*line 1"):
        load_text(path, "utf-8")
    with pytest.raises(LoadError, match="Unknown encoding"):
        load_text(path, "klingon-8")
    path.write_bytes(b"\xef\xbb\xbfhi")
    loaded = load_text(path, "utf-8")
    assert loaded.text == "hi" and loaded.format.bom
    _save_as_loaded(path, loaded)
    assert path.read_bytes() == b"\xef\xbb\xbfhi"


def test_mixed_newlines_kept_and_new_lines_take_the_majority(tmp_path):
    path = tmp_path / "m.txt"
    raw = b"a\r\nb\r\nc\nd"
    path.write_bytes(raw)
    loaded = load_text(path)
    assert loaded.mixed_newlines and loaded.format.newline == "\r\n"
    assert loaded.text == "a\nb\nc\nd"
    _save_as_loaded(path, loaded)
    assert path.read_bytes() == raw  # unedited: byte for byte
    # Edited: a line typed in the middle, one edited in place, one added at the end.
    _save_as_loaded(path, loaded, "a\nnew\nb\nC!\nd\nend")
    assert path.read_bytes() == b"a\r\nnew\r\nb\r\nC!\nd\r\nend"


@pytest.mark.parametrize(
    "raw,newline",
    [
        (b"old mac\rstyle\rlines\r", "\r"),
        (b"one\ntwo\rlone cr\nthree\n", "\n"),
        ("para\u2029graph\nline\n".encode(), "\n"),
        ("a\u2029b\u2029c".encode(), "\u2029"),
    ],
)
def test_cr_only_lone_cr_and_paragraph_separators_round_trip(tmp_path, raw, newline):
    path = tmp_path / "e.txt"
    path.write_bytes(raw)
    loaded = load_text(path)
    assert loaded.format.newline == newline
    assert not set(loaded.text) & set("\r\u2029")  # the editor gets "\n" between lines
    _save_as_loaded(path, loaded)
    assert path.read_bytes() == raw
    _save_as_loaded(path, loaded, loaded.text + "\nmore")
    assert path.read_bytes() == raw + newline.encode() + b"more"


# ------------------------------------------------------------------------------ saving


def test_unencodable_character_fails_before_touching_disk(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"original")
    before = DiskStamp.of(path)
    with pytest.raises(SaveError) as info:
        save_text(path, "one\ntwo\nthree \u0151", "cp1252")
    assert str(info.value) == "Cannot encode character 'ő' (U+0151) in cp1252 at line 3"
    assert path.read_bytes() == b"original" and DiskStamp.of(path) == before
    assert os.listdir(tmp_path) == ["c.txt"]
    with pytest.raises(SaveError, match="line 2"):
        encode_text("a\nb\ud800", FileFormat())


def test_permissions_kept_and_symlink_followed(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    os.chmod(real, 0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    save_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_short_writes_are_continued(tmp_path, monkeypatch):
    # os.write may legally write less than asked; the loop must finish the job.
    real_write = os.write
    monkeypatch.setattr(storage.os, "write", lambda fd, b: real_write(fd, bytes(b)[:777]))
    text = "abcdefghij\n" * 5000
    save_text(tmp_path / "s.txt", text)
    assert (tmp_path / "s.txt").read_text() == text


def test_failing_write_midway_keeps_original(tmp_path, monkeypatch):
    path = tmp_path / "f.txt"
    path.write_bytes(b"precious")
    real_write = os.write
    calls = []

    def flaky(fd, b):
        calls.append(len(b))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, b)

    monkeypatch.setattr(storage.os, "write", flaky)
    with pytest.raises(SaveError, match="The disk is full"):
        save_text(path, "x" * (3 << 20))
    assert len(calls) == 2
    assert path.read_bytes() == b"precious" and os.listdir(tmp_path) == ["f.txt"]


def test_cleanup_stray_temps(tmp_path):
    target = tmp_path / "doc.md"
    old = storage.temp_name_for(target)
    fresh = storage.temp_name_for(target)
    for p in (old, fresh, tmp_path / ".hidden", tmp_path / ".doc.md.inkling-tmp-zz"):
        p.write_bytes(b"x")
    past = time.time() - 120
    os.utime(old, (past, past))
    os.utime(tmp_path / ".hidden", (past, past))
    assert cleanup_stray_temps(tmp_path) == 1
    assert not old.exists() and fresh.exists() and (tmp_path / ".hidden").exists()
    assert cleanup_stray_temps(tmp_path, older_than=0) == 1
    assert sorted(os.listdir(tmp_path)) == [".doc.md.inkling-tmp-zz", ".hidden"]


# ------------------------------------------------------------------------------ real failures


def _run_child(code: str, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """A 1 MB tmpfs, so the disk really fills up; needs root (or CAP_SYS_ADMIN)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    try:
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)],
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        pytest.skip("no mount command: cannot make a small tmpfs for the full-disk test")
    if proc.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {proc.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_full_disk_keeps_original(tiny_tmpfs):
    path = tiny_tmpfs / "novel.txt"
    original = ("It was a dark and stormy night.\n" * 6000).encode()  # ~190 KB
    path.write_bytes(original)
    before = DiskStamp.of(path)
    with pytest.raises(SaveError) as info:
        save_text(path, "The rewrite is much longer.\n" * 60000)  # ~1.7 MB
    assert str(info.value).startswith("The disk is full")
    assert path.read_bytes() == original and DiskStamp.of(path) == before
    assert _temps(tiny_tmpfs) == []


def test_nearly_full_disk_partial_write_keeps_original(tiny_tmpfs):
    # Leave less room than the new text needs: the first writes succeed, a later one is short.
    path = tiny_tmpfs / "novel.txt"
    path.write_bytes(b"short original\n")
    filler = tiny_tmpfs / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        with pytest.raises(OSError) as full:
            while True:
                os.write(fd, b"\0" * 4096)
        assert full.value.errno == errno.ENOSPC
    finally:
        os.close(fd)
    os.truncate(filler, filler.stat().st_size - 300_000)
    with pytest.raises(SaveError, match="The disk is full"):
        save_text(path, "y" * 400_000)
    assert path.read_bytes() == b"short original\n"
    assert _temps(tiny_tmpfs) == []
    # With room made, the same save succeeds: the failure was the disk, not the code.
    filler.unlink()
    save_text(path, "y" * 400_000)
    assert path.stat().st_size == 400_000


def test_read_only_file_system(tiny_tmpfs):
    path = tiny_tmpfs / "ro.txt"
    path.write_bytes(b"keep me")
    ro = subprocess.run(["mount", "-o", "remount,ro", str(tiny_tmpfs)], capture_output=True)
    if ro.returncode != 0:
        pytest.skip(f"cannot remount read-only: {ro.stderr.decode().strip()}")
    with pytest.raises(SaveError) as info:
        save_text(path, "changed")
    assert str(info.value) == f"The disk is read-only: you cannot write to {tiny_tmpfs}"
    assert path.read_bytes() == b"keep me"


_FSIZE_CHILD = r"""
import json, resource, signal, sys
from desktop_app.documents.storage import SaveError, save_text
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
try:
    save_text(sys.argv[1], "z" * int(sys.argv[2]))
    print(json.dumps({"error": None}))
except SaveError as exc:
    print(json.dumps({"error": str(exc)}))
"""


def test_file_size_limit_keeps_original(tmp_path):
    path = tmp_path / "limit.txt"
    original = b"a" * 50_000
    path.write_bytes(original)
    result = _run_child(_FSIZE_CHILD, str(path), "250000")
    assert result["error"] == "File too large for this file system or the file size limit"
    assert path.read_bytes() == original and _temps(tmp_path) == []
    # Under the limit the same child saves fine, so the limit really was the cause.
    assert _run_child(_FSIZE_CHILD, str(path), "90000") == {"error": None}
    assert path.read_bytes() == b"z" * 90_000


_NOBODY_CHILD = r"""
import json, os, sys
from desktop_app.documents.storage import SaveError, save_text
os.setgid(65534)
os.setuid(65534)
try:
    save_text(sys.argv[1], "changed by nobody")
    print(json.dumps({"error": None}))
except SaveError as exc:
    print(json.dumps({"error": str(exc)}))
"""


def test_folder_without_write_permission(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to the 'nobody' user")
    try:
        pwd.getpwuid(65534)
    except KeyError:
        pytest.skip("no user with uid 65534")
    # tmp_path's parents are private to root; use a world-traversable folder in /tmp.
    folder = Path(tempfile.mkdtemp(prefix="inkling-ro-"))
    try:
        os.chmod(folder, 0o755)
        path = folder / "theirs.txt"
        path.write_bytes(b"root's text")
        os.chmod(path, 0o666)  # the file itself is writable; the folder is not
        result = _run_child(_NOBODY_CHILD, str(path))
        assert result["error"] == f"Permission denied: you cannot write to {folder}"
        assert path.read_bytes() == b"root's text"
        assert _temps(folder) == []
    finally:
        shutil.rmtree(folder)


def test_read_only_file_in_writable_folder_is_respected(tmp_path):
    # Replacing needs only folder permission; a read-only file must still not be overwritten.
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to the 'nobody' user")
    folder = Path(tempfile.mkdtemp(prefix="inkling-rofile-"))
    try:
        os.chmod(folder, 0o777)
        path = folder / "final.txt"
        path.write_bytes(b"signed off")
        os.chmod(path, 0o444)
        result = _run_child(_NOBODY_CHILD, str(path))
        assert result["error"] == "final.txt is read-only: save it under another name"
        assert path.read_bytes() == b"signed off"
    finally:
        shutil.rmtree(folder)


def test_immutable_folder_refuses_even_root(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    path = folder / "doc.txt"
    path.write_bytes(b"locked text")
    try:
        proc = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("no chattr command")
    if proc.returncode != 0:
        pytest.skip(f"chattr +i not supported here: {proc.stderr.strip()}")
    try:
        with pytest.raises(SaveError) as info:
            save_text(path, "new text")
        assert str(info.value) == f"Permission denied: you cannot write to {folder}"
        assert path.read_bytes() == b"locked text"
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
