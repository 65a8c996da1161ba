"""Reading and writing the writer's text files without ever losing a word.

Loading detects a byte order mark, reads UTF-8 (a few bad bytes are shown as U+FFFD and
reported), recognizes UTF-16 without a BOM, falls back to cp1252 (then latin-1) with a notice,
refuses binary files (`encodings`), and remembers the encoding, every line ending
(`line_endings`) and the BOM so that saving an unedited file gives back identical bytes. Saving
encodes everything first (so an unencodable character fails before the disk is touched), then
writes a temporary file in the same folder in chunks, checking every write, fsyncs it and
atomically replaces the original. Any failure leaves the original byte-identical and raises
`SaveError` with a plain reason.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import re
import signal
import stat
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_app.documents import encodings
from desktop_app.documents.encodings import BOMS as _BOMS
from desktop_app.documents.line_endings import EndingCollector, LineEndings
from models.atomic import atomic_write as replace_file
from models.atomic import temp_path

TEMP_MARKER = ".inkling-tmp-"
_TEMP_RE = re.compile(r"^\..+\.inkling-tmp-[0-9a-f]{8}$")
# Big strings are decoded/encoded in slices so a worker thread lets go of the GIL between them
# and the GUI thread keeps painting (one 20 MB decode would hold it for tens of milliseconds).
_SLICE = encodings.SLICE
_WRITE_CHUNK = 1 << 20
BINARY_PROBE = encodings.PROBE
MAX_OPEN_BYTES = 512 * 1024 * 1024
# The start of the reason a save fails with when a character does not fit the encoding.
UNENCODABLE = "Cannot encode character"
NEWLINES = ("\n", "\r\n", "\r", "\u2029")


class StorageError(Exception):
    """A file could not be read or written; `str()` is a one-line reason for the writer."""

    def __init__(self, reason: str, errno_: int | None = None) -> None:
        super().__init__(reason)
        self.errno = errno_


class SaveError(StorageError):
    """Saving failed; the original file on disk is unchanged."""


class LoadError(StorageError):
    """The file is missing, unreadable, binary, a folder, or not in the chosen encoding."""


@dataclass(frozen=True)
class FileFormat:
    """How a text is stored on disk: codec, (most common) line ending and byte order mark."""

    encoding: str = "utf-8"
    newline: str = "\n"
    bom: bool = False


@dataclass(frozen=True)
class DiskStamp:
    """What we last saw of a file on disk, to notice changes made by other programs."""

    mtime_ns: int
    size: int
    inode: int

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> DiskStamp | None:
        """Stamp of the file at `path` now, or None if it does not exist."""
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        return cls(st.st_mtime_ns, st.st_size, st.st_ino)


@dataclass
class LoadedText:
    """A file's text with newlines normalized to "\\n", and how to write it back."""

    text: str
    format: FileFormat
    fallback: bool
    stamp: DiskStamp
    line_endings: LineEndings | None = None  # more than one kind of ending: each line's own
    invalid_bytes: int = 0  # bytes that were not valid UTF-8, shown as U+FFFD
    invalid_first_line: int = 0  # the line of the first of them

    @property
    def mixed_newlines(self) -> bool:
        """Whether the file has more than one kind of line ending."""
        return self.line_endings is not None


# ---------------------------------------------------------------------------------------- loading


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _read(p: Path, name: str) -> tuple[bytes, os.stat_result]:
    if p.is_dir():
        raise LoadError(f"{name} is a folder, not a text file")
    # A FIFO would block the open and a device (/dev/zero) never ends: regular files only.
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(os.stat(p).st_mode):
            raise LoadError(f"{name} is not a regular file")
    try:
        with open(p, "rb") as f:
            st = os.fstat(f.fileno())
            if st.st_size > MAX_OPEN_BYTES:
                raise LoadError(f"{name} is too large to open ({st.st_size // 2**20} MB)")
            return f.read(), st
    except FileNotFoundError:
        raise LoadError(f"{name} does not exist") from None
    except PermissionError:
        raise LoadError(f"Permission denied: you cannot read {name}") from None
    except OSError as exc:
        raise LoadError(f"Could not read {name}: {exc.strerror or exc}", exc.errno) from None


def _binary(name: str, kind: str | None = None) -> LoadError:
    what = f"{kind}, a binary file" if kind else "a binary file"
    return LoadError(f"{name} looks like {what}, not text: Inkling opens plain text files only")


_Decoded = tuple[str, EndingCollector, str, bool, bool, int]


def _detect(data: bytes, name: str) -> _Decoded:
    """Decode a file of unknown encoding: (text, endings, codec, bom, fallback, first bad offset
    or -1)."""
    codec, start = encodings.bom_codec(data)
    if codec:
        with contextlib.suppress(UnicodeDecodeError):
            return (*encodings.decode(data, start, codec), codec, True, False, -1)
        # Not really a BOM (e.g. a cp1252 file starting with "ÿþ"): detect without it.
    kind = encodings.binary_kind(data)
    if kind:
        raise _binary(name, kind)
    utf16 = encodings.utf16_without_bom(data)
    if utf16:
        with contextlib.suppress(UnicodeDecodeError):
            return (*encodings.decode(data, 0, utf16), utf16, False, True, -1)
    if b"\x00" in data[:BINARY_PROBE]:
        raise _binary(name)
    try:
        return (*encodings.decode(data, 0, "utf-8"), "utf-8", False, False, -1)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if encodings.mostly_utf8(data):
        # UTF-8 with a few bad bytes: shown as U+FFFD and reported, not a page of mojibake.
        encodings.start_marking()
        return (
            *encodings.decode(data, 0, "utf-8", encodings.MARK_ERRORS),
            "utf-8",
            False,
            False,
            first_bad,
        )
    with contextlib.suppress(UnicodeDecodeError):
        return (*encodings.decode(data, 0, "cp1252"), "cp1252", False, True, -1)
    return (*encodings.decode(data, 0, "iso8859-1"), "iso8859-1", False, True, -1)


def load_text(path: str | os.PathLike[str], encoding: str | None = None) -> LoadedText:
    """Read a text file, detecting its encoding unless the writer chose one ("Reopen with…")."""
    p = Path(path)
    name = p.name or str(p)
    data, st = _read(p, name)
    stamp = DiskStamp(st.st_mtime_ns, st.st_size, st.st_ino)
    if encoding is None:
        text, endings, codec, bom, fallback, first_bad = _detect(data, name)
    else:
        fallback, first_bad = False, -1
        try:
            codec, start, bom = encodings.explicit_codec(data, encoding)
        except LookupError as exc:
            raise LoadError(str(exc)) from None
        try:
            text, endings = encodings.decode(data, start, codec)
        except UnicodeDecodeError as exc:
            line = _line_of(data, exc.start)
            raise LoadError(
                f"{name} is not valid {codec} (byte {exc.start} on line {line})"
            ) from None
    if encodings.looks_binary(text):
        raise _binary(name)
    bad = encodings.marked()[0] if first_bad >= 0 else 0
    newline, line_endings = endings.result(text)
    return LoadedText(
        text,
        FileFormat(encoding=codec, newline=newline, bom=bom),
        fallback,
        stamp,
        line_endings=line_endings,
        invalid_bytes=bad,
        invalid_first_line=_line_of(data, first_bad) if first_bad >= 0 else 0,
    )


# ---------------------------------------------------------------------------------------- saving


Text = str | Sequence[str]  # one string, or pieces whose join is the text


def _slices(pieces: Sequence[str]) -> Iterator[str]:
    for piece in pieces:
        for pos in range(0, len(piece), _SLICE):
            yield piece[pos : pos + _SLICE]


def _breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n") + text.count("\u2029")


def encode_text(text: Text, fmt: FileFormat, endings: LineEndings | None = None) -> bytes:
    """The bytes `save_text` would write for `text` in `fmt`; SaveError if a character won't fit.

    With `endings` (the file's mixed line endings, and `fmt.newline` still its majority), each
    line gets back the ending it had.
    """
    if fmt.newline not in NEWLINES:
        raise SaveError(f"Unsupported line ending {fmt.newline!r}")
    try:
        codec = encodings.canonical(fmt.encoding)
    except LookupError as exc:
        raise SaveError(str(exc)) from None
    bom = fmt.bom
    if codec == "utf-8-sig":
        codec, bom = "utf-8", True
    elif codec in ("utf-16", "utf-32"):
        # Python's generic codecs always write a BOM (native order); be explicit instead.
        codec, bom = f"{codec}-le", True
    out = [_BOMS[codec]] if bom and codec in _BOMS else []
    pieces = [text] if isinstance(text, str) else text
    newline = fmt.newline
    if endings is not None and endings.majority == fmt.newline:
        pieces, newline = [endings.apply("".join(pieces))], "\n"  # endings already in place
    # Incremental, so stateful codecs (ISO-2022, UTF-7) encode exactly as in one piece.
    encoder = codecs.getincrementalencoder(codec)("strict")
    line = 1
    for piece in _slices(pieces):
        body = piece.replace("\n", newline) if newline != "\n" else piece
        try:
            out.append(encoder.encode(body))
        except UnicodeEncodeError as exc:
            ch = exc.object[exc.start]
            where = line + _breaks(body[: exc.start])
            raise SaveError(
                f"{UNENCODABLE} {ch!r} (U+{ord(ch):04X}) in {codec} at line {where}"
            ) from None
        line += _breaks(body)
    out.append(encoder.encode("", True))
    return b"".join(out)


def _save_reason(exc: OSError, folder: Path, target: Path) -> str:
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"The disk is full (no space left in {folder})"
    if code == errno.EFBIG:
        return "File too large for this file system or the file size limit"
    if code in (errno.EACCES, errno.EPERM):
        return f"Permission denied: you cannot write to {folder}"
    if code == errno.EROFS:
        return f"The disk is read-only: you cannot write to {folder}"
    if code == errno.ENOENT:
        return f"The folder {folder} does not exist"
    if code == errno.ENAMETOOLONG:
        return f"The file name {target.name} is too long"
    if code == errno.EIO:
        return f"The disk reported an input/output error while writing {target.name}"
    return f"Could not save {target.name}: {exc.strerror or exc}"


def _read_only_mount(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False


def temp_name_for(path: Path) -> Path:
    """A fresh temporary name beside `path` that `cleanup_stray_temps` recognizes."""
    return temp_path(path, TEMP_MARKER)


def atomic_write(path: str | os.PathLike[str], data: bytes) -> DiskStamp:
    """Replace `path` with `data` atomically, or raise SaveError leaving the original untouched."""
    # Write through a symlink to its target rather than replacing the link with a plain file.
    target = Path(os.path.realpath(path))
    folder = target.parent
    if target.is_dir():
        raise SaveError(f"{target.name} is a folder")
    try:
        st: os.stat_result | None = os.stat(target)
    except OSError:
        st = None
    # Replacing needs only the folder's permission, which would silently defeat a file the
    # writer (or a sync tool) marked read-only.
    if st is not None and not os.access(target, os.W_OK):
        if _read_only_mount(folder):
            raise SaveError(_save_reason(OSError(errno.EROFS, ""), folder, target), errno.EROFS)
        raise SaveError(f"{target.name} is read-only: save it under another name", errno.EACCES)

    def keep_owner(fd: int) -> None:
        if st is not None and hasattr(os, "fchmod"):
            # Keep the original's permission bits (and owner, when we may) across the replace.
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            if hasattr(os, "fchown") and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                # Only root may give files away; otherwise the file keeps our ownership.
                with contextlib.suppress(OSError):
                    os.fchown(fd, st.st_uid, st.st_gid)

    try:
        fst = replace_file(target, data, tmp=temp_name_for(target), prepare=keep_owner)
    except OSError as exc:
        raise SaveError(_save_reason(exc, folder, target), exc.errno) from exc
    return DiskStamp(fst.st_mtime_ns, fst.st_size, fst.st_ino)


def save_text(
    path: str | os.PathLike[str],
    text: Text,
    encoding: str = "utf-8",
    newline: str = "\n",
    bom: bool = False,
    endings: LineEndings | None = None,
) -> DiskStamp:
    """Encode `text` (LF newlines) and replace the file at `path` atomically; return its stamp."""
    fmt = FileFormat(encoding=encoding, newline=newline, bom=bom)
    data = encode_text(text, fmt, endings)
    return atomic_write(path, data)


def cleanup_stray_temps(folder: str | os.PathLike[str], older_than: float = 60.0) -> int:
    """Remove our temp files left in `folder` by a killed save; return how many were removed.

    Only files untouched for `older_than` seconds go, so a save in progress in another running
    instance is left alone.
    """
    removed = 0
    limit = time.time() - older_than
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not _TEMP_RE.match(entry.name):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime <= limit:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def ignore_file_size_signal() -> None:
    """Turn SIGXFSZ into a plain EFBIG error so a file size limit fails a save, not the app.

    Call once from the main thread at start-up; without it the kernel kills the process when a
    write passes RLIMIT_FSIZE.
    """
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
