"""Reading and writing the writer's text files without ever losing a word.

Loading detects a byte order mark, reads UTF-8 strictly and falls back to cp1252 (then latin-1)
with a notice, refuses binary files, and remembers the encoding, line endings and BOM so that
saving an unedited file gives back identical bytes. Saving encodes everything first (so an
unencodable character fails before the disk is touched), then writes a temporary file in the same
folder in chunks, checking every write, fsyncs it and atomically replaces the original. Any
failure leaves the original byte-identical and raises `SaveError` with a plain reason.
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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from models.atomic import atomic_write as replace_file
from models.atomic import temp_path

TEMP_MARKER = ".inkling-tmp-"
_TEMP_RE = re.compile(r"^\..+\.inkling-tmp-[0-9a-f]{8}$")
# Big strings are decoded/encoded in slices so a worker thread lets go of the GIL between them
# and the GUI thread keeps painting (one 20 MB decode would hold it for tens of milliseconds).
_SLICE = 1 << 20
_WRITE_CHUNK = 1 << 20
BINARY_PROBE = 8192
MAX_OPEN_BYTES = 512 * 1024 * 1024

_BOMS: dict[str, bytes] = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}
# UTF-32-LE's BOM starts with UTF-16-LE's, so the longer marks are tried first.
_BOM_ORDER = ("utf-32-le", "utf-32-be", "utf-8", "utf-16-le", "utf-16-be")


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
    """How a text is stored on disk: codec, line ending and byte order mark."""

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
    mixed_newlines: bool = False  # both LF and CRLF were found; saving uses the majority


def _canonical(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise LookupError(f"Unknown encoding '{encoding}'") from None


# ---------------------------------------------------------------------------------------- loading


def _decode(data: bytes, start: int, codec: str) -> tuple[str, int, int]:
    """Strictly decode `data[start:]` in slices; return (text with LF only, CRLF count, LF count)."""
    dec = codecs.getincrementaldecoder(codec)("strict")
    view = memoryview(data)
    parts: list[str] = []
    crlf = lf = 0
    carry = ""
    pos = start
    while True:
        end = min(pos + _SLICE, len(data))
        final = end >= len(data)
        try:
            piece = carry + dec.decode(view[pos:end], final)
        except UnicodeDecodeError as exc:
            exc.start += pos
            exc.end += pos
            raise
        carry = ""
        # A CRLF may be split across slices: hold back a trailing CR until the next one.
        if not final and piece.endswith("\r"):
            piece, carry = piece[:-1], "\r"
        pairs = piece.count("\r\n")
        crlf += pairs
        lf += piece.count("\n") - pairs
        parts.append(piece.replace("\r\n", "\n") if pairs else piece)
        if final:
            return "".join(parts), crlf, lf
        pos = end


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _explicit_codec(data: bytes, encoding: str) -> tuple[str, int, bool]:
    """Codec, start offset and BOM flag for an encoding the writer chose."""
    name = _canonical(encoding)
    family = {"utf-8-sig": "utf-8", "utf-16": "utf-16", "utf-32": "utf-32"}.get(name, name)
    if family in ("utf-16", "utf-32"):
        for order in ("le", "be"):
            full = f"{family}-{order}"
            if data.startswith(_BOMS[full]) and not (
                family == "utf-16" and data.startswith(_BOMS["utf-32-le"])
            ):
                return full, len(_BOMS[full]), True
        return f"{family}-le", 0, False
    bom = _BOMS.get(family)
    if bom and data.startswith(bom):
        return family, len(bom), True
    return family, 0, False


def load_text(path: str | os.PathLike[str], encoding: str | None = None) -> LoadedText:
    """Read a text file, detecting its encoding unless the writer chose one ("Reopen with…")."""
    p = Path(path)
    name = p.name or str(p)
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
            data = f.read()
    except FileNotFoundError:
        raise LoadError(f"{name} does not exist") from None
    except PermissionError:
        raise LoadError(f"Permission denied: you cannot read {name}") from None
    except OSError as exc:
        raise LoadError(f"Could not read {name}: {exc.strerror or exc}", exc.errno) from None
    stamp = DiskStamp(st.st_mtime_ns, st.st_size, st.st_ino)
    binary = LoadError(f"{name} looks like a binary file, not text")

    fallback = False
    if encoding is not None:
        try:
            codec, start, bom = _explicit_codec(data, encoding)
        except LookupError as exc:
            raise LoadError(str(exc)) from None
        try:
            text, crlf, lf = _decode(data, start, codec)
        except UnicodeDecodeError as exc:
            line = _line_of(data, exc.start)
            raise LoadError(
                f"{name} is not valid {codec} (byte {exc.start} on line {line})"
            ) from None
    else:
        codec, start, bom = "", 0, False
        for candidate in _BOM_ORDER:
            if data.startswith(_BOMS[candidate]):
                codec, start, bom = candidate, len(_BOMS[candidate]), True
                break
        decoded = None
        if codec:
            try:
                decoded = _decode(data, start, codec)
            except UnicodeDecodeError:
                # Not really a BOM (e.g. a cp1252 file starting with "ÿþ"): detect without it.
                codec, start, bom = "", 0, False
        if decoded is None:
            if b"\x00" in data[:BINARY_PROBE]:
                raise binary
            for codec in ("utf-8", "cp1252", "iso8859-1"):
                try:
                    decoded = _decode(data, 0, codec)
                    break
                except UnicodeDecodeError:
                    fallback = True
        assert decoded is not None  # latin-1 decodes every byte string
        text, crlf, lf = decoded
    if "\x00" in text[:BINARY_PROBE]:
        raise binary
    newline = "\r\n" if crlf > lf else "\n"
    fmt = FileFormat(encoding=codec, newline=newline, bom=bom)
    return LoadedText(text, fmt, fallback, stamp, mixed_newlines=bool(crlf and lf))


# ---------------------------------------------------------------------------------------- saving


def _slices(text: str) -> Iterator[tuple[int, str]]:
    for pos in range(0, len(text), _SLICE):
        yield pos, text[pos : pos + _SLICE]


def encode_text(text: str, fmt: FileFormat) -> bytes:
    """The bytes `save_text` would write for `text` in `fmt`; SaveError if a character won't fit."""
    if fmt.newline not in ("\n", "\r\n"):
        raise SaveError(f"Unsupported line ending {fmt.newline!r}")
    try:
        codec = _canonical(fmt.encoding)
    except LookupError as exc:
        raise SaveError(str(exc)) from None
    bom = fmt.bom
    if codec == "utf-8-sig":
        codec, bom = "utf-8", True
    elif codec in ("utf-16", "utf-32"):
        # Python's generic codecs always write a BOM (native order); be explicit instead.
        codec, bom = f"{codec}-le", True
    out = [_BOMS[codec]] if bom and codec in _BOMS else []
    # Incremental, so stateful codecs (ISO-2022, UTF-7) encode exactly as in one piece.
    encoder = codecs.getincrementalencoder(codec)("strict")
    line = 1
    for pos, piece in _slices(text):
        body = piece.replace("\n", fmt.newline) if fmt.newline != "\n" else piece
        try:
            out.append(encoder.encode(body, pos + _SLICE >= len(text)))
        except UnicodeEncodeError as exc:
            ch = exc.object[exc.start]
            where = line + body.count("\n", 0, exc.start)
            raise SaveError(
                f"Cannot encode character {ch!r} (U+{ord(ch):04X}) in {codec} at line {where}"
            ) from None
        line += piece.count("\n")
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
    text: str,
    encoding: str = "utf-8",
    newline: str = "\n",
    bom: bool = False,
) -> DiskStamp:
    """Encode `text` (LF newlines) and replace the file at `path` atomically; return its stamp."""
    data = encode_text(text, FileFormat(encoding=encoding, newline=newline, bom=bom))
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
