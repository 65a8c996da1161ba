"""Telling text from binary, and which encoding a text file is in, from its bytes alone.

Known file signatures (PDF, PNG, ZIP/docx, GIF, JPEG, ELF, gzip…) and a high share of control
characters mark a binary file; UTF-16 without a byte order mark is recognized by the NUL bytes
of its mostly-ASCII characters; a UTF-8 file with a few bad bytes is still UTF-8 (its valid
multi-byte characters outnumber the bad ones), where a cp1252 file has no valid ones at all.
"""

from __future__ import annotations

import codecs
import threading

from desktop_app.documents.line_endings import EndingCollector

BOMS: dict[str, bytes] = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}
# UTF-32-LE's BOM starts with UTF-16-LE's, so the longer marks are tried first.
BOM_ORDER = ("utf-32-le", "utf-32-be", "utf-8", "utf-16-le", "utf-16-be")
SLICE = 1 << 20  # bytes decoded at a time, so a worker lets go of the GIL between slices
PROBE = 8192  # bytes (or characters) looked at to tell text from binary

# Signatures of common binary formats a writer might open by mistake, with what they are.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, OpenDocument or EPUB file)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"\x7fELF", "a program (ELF)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"OggS\x00", "an Ogg audio file"),
    (b"fLaC\x00", "a FLAC audio file"),
    (b"ID3\x03\x00", "an MP3 audio file"),
    (b"ID3\x04\x00", "an MP3 audio file"),
    (b"\x00\x00\x01\x00", "an icon"),
    (b"wOFF", "a web font"),
    (b"\xca\xfe\xba\xbe", "a compiled program"),
    (b"\xcf\xfa\xed\xfe", "a program (Mach-O)"),
    (b"MZ\x90\x00", "a Windows program"),
)
# Control characters that plain text does hold: tab, line feed, vertical tab, form feed,
# carriage return, and escape (terminal colours in logs).
_TEXT_CONTROLS = set("\t\n\x0b\x0c\r\x1b")
_CONTROLS = frozenset(
    chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if chr(c) not in _TEXT_CONTROLS
)
_ASCII = bytes(range(128))


def canonical(encoding: str) -> str:
    """Python's name for `encoding`; LookupError with a plain message if there is none."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise LookupError(f"Unknown encoding '{encoding}'") from None


def explicit_codec(data: bytes, encoding: str) -> tuple[str, int, bool]:
    """Codec, start offset and BOM flag for an encoding the writer chose."""
    name = canonical(encoding)
    family = {"utf-8-sig": "utf-8", "utf-16": "utf-16", "utf-32": "utf-32"}.get(name, name)
    if family in ("utf-16", "utf-32"):
        for order in ("le", "be"):
            full = f"{family}-{order}"
            if data.startswith(BOMS[full]) and not (
                family == "utf-16" and data.startswith(BOMS["utf-32-le"])
            ):
                return full, len(BOMS[full]), True
        return f"{family}-le", 0, False
    bom = BOMS.get(family)
    if bom and data.startswith(bom):
        return family, len(bom), True
    return family, 0, False


def bom_codec(data: bytes) -> tuple[str, int]:
    """(codec, BOM length) of the byte order mark `data` starts with, or ("", 0)."""
    for candidate in BOM_ORDER:
        if data.startswith(BOMS[candidate]):
            return candidate, len(BOMS[candidate])
    return "", 0


def binary_kind(data: bytes) -> str | None:
    """What binary format `data` starts like ("a PDF document"), or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def looks_binary(text: str) -> bool:
    """Whether decoded text is really binary: a NUL, or many control characters."""
    probe = text[:PROBE]
    if "\x00" in probe:
        return True
    controls = sum(1 for ch in probe if ch in _CONTROLS)
    return controls > 2 and controls * 20 > len(probe)


def utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when `data` has the NUL pattern of mostly-ASCII UTF-16."""
    probe = data[: PROBE - PROBE % 2]
    pairs = len(probe) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even_nuls, odd_nuls = probe[0::2].count(0), probe[1::2].count(0)
    if odd_nuls >= 0.6 * pairs and even_nuls <= 0.05 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.6 * pairs and odd_nuls <= 0.05 * pairs:
        return "utf-16-be"
    return None


_marks = threading.local()


def _mark_bad_bytes(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _marks.bytes = getattr(_marks, "bytes", 0) + exc.end - exc.start
    _marks.places = getattr(_marks, "places", 0) + 1
    return "\ufffd", exc.end


MARK_ERRORS = "inkling-mark-bad-bytes"
codecs.register_error(MARK_ERRORS, _mark_bad_bytes)


def start_marking() -> None:
    """Reset this thread's count of bytes decoded with `MARK_ERRORS` as U+FFFD."""
    _marks.bytes = _marks.places = 0


def marked() -> tuple[int, int]:
    """(bad bytes, places) replaced on this thread since `start_marking`."""
    return getattr(_marks, "bytes", 0), getattr(_marks, "places", 0)


def mostly_utf8(data: bytes, slice_size: int = 1 << 20) -> bool:
    """Whether invalid UTF-8 `data` is still UTF-8 with a few bad bytes, not another encoding.

    Text in cp1252 or Latin-1 almost never forms valid multi-byte UTF-8 sequences, so valid
    non-ASCII characters outnumbering the bad places means UTF-8.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(MARK_ERRORS)
    start_marking()
    chars = 0
    view = memoryview(data)
    for pos in range(0, len(data), slice_size):
        chars += len(decoder.decode(view[pos : pos + slice_size], pos + slice_size >= len(data)))
    _bad, places = marked()
    ascii_bytes = len(data) - len(data.translate(None, _ASCII))
    valid_non_ascii = chars - ascii_bytes - places
    return valid_non_ascii >= places > 0


def decode(
    data: bytes, start: int, codec: str, errors: str = "strict"
) -> tuple[str, EndingCollector]:
    """Decode `data[start:]` in slices; return the text with "\\n" endings and what they were."""
    dec = codecs.getincrementaldecoder(codec)(errors)
    view = memoryview(data)
    parts: list[str] = []
    endings = EndingCollector()
    carry = ""
    pos = start
    while True:
        end = min(pos + SLICE, len(data))
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
        parts.append(endings.feed(piece))
        if final:
            return "".join(parts), endings
        pos = end
