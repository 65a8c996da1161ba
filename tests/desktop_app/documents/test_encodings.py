"""Telling text from binary and finding the encoding: binaries refused by what they are, UTF-16
without a BOM opened, and a UTF-8 file with a bad byte opened as UTF-8 with the byte marked."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from desktop_app.documents.storage import LoadError, load_text, save_text


def _docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document>Hello</w:document>")
    return out.getvalue()


# A PDF without a single NUL in its first 8 KB: it used to open as Latin-1 and be ruined on save.
PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    + bytes(range(1, 256)) * 20
)


@pytest.mark.parametrize(
    "raw,kind",
    [
        (PDF, "PDF"),
        (_docx_like(), "ZIP"),
        (b"GIF89a\x01\x00\x01\x00\x80\xff\xff\xff", "GIF"),
        (b"\xff\xd8\xff\xe0\x10JFIF" + b"\xc4\xd9" * 40, "JPEG"),
        (gzip.compress(b"some text " * 50), "gzip"),
        (b"\x7fELF\x02\x01\x01" + b"\x03\x3e" * 20, "ELF"),
    ],
)
def test_known_binary_formats_are_refused_by_name(tmp_path, raw, kind):
    path = tmp_path / "thing.txt"
    path.write_bytes(raw)
    with pytest.raises(LoadError, match="binary") as info:
        load_text(path)
    assert kind in str(info.value)


def test_many_control_characters_mean_binary_without_any_nul(tmp_path):
    path = tmp_path / "blob.dat"
    path.write_bytes(bytes(range(1, 32)) * 100 + b"some text")
    with pytest.raises(LoadError, match="binary"):
        load_text(path)


def test_a_few_control_characters_still_open(tmp_path):
    path = tmp_path / "log.txt"
    raw = b"build log\n\x1b[31mred\x1b[0m\npage\x0cbreak and a bell\x07\n" + b"plain line\n" * 5
    path.write_bytes(raw)
    assert load_text(path).text == raw.decode()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_opens(tmp_path, codec):
    path = tmp_path / "export.txt"
    text = "Exported from a spreadsheet: naïve café\nsecond line\n"
    path.write_bytes(text.encode(codec))
    loaded = load_text(path)
    assert loaded.text == text
    assert loaded.format.encoding == codec and not loaded.format.bom
    save_text(path, loaded.text, loaded.format.encoding, loaded.format.newline, False)
    assert path.read_bytes() == text.encode(codec)


def test_utf8_with_one_bad_byte_opens_as_utf8_with_the_byte_marked(tmp_path):
    path = tmp_path / "notes.md"
    good = "Crème brûlée — “quoted” and 😀\n" * 3
    raw = good.encode() + b"line four has a bad byte: \xe9!\n" + "end ü\n".encode()
    path.write_bytes(raw)
    loaded = load_text(path)
    assert loaded.format.encoding == "utf-8" and not loaded.fallback
    assert loaded.text.startswith(good)  # not cp1252 mojibake ("CrÃ¨me")
    assert loaded.text.count("\ufffd") == 1 and "bad byte: \ufffd!" in loaded.text
    assert loaded.invalid_bytes == 1 and loaded.invalid_first_line == 4


def test_cp1252_text_still_falls_back_to_cp1252(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("Café crème, naïve résumé\n".encode("cp1252"))
    loaded = load_text(path)
    assert loaded.fallback and loaded.format.encoding == "cp1252"
    assert loaded.invalid_bytes == 0 and "\ufffd" not in loaded.text
