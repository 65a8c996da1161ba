"""Read a GGUF file's header: what the model is, and whether the file is whole.

The header is parsed here rather than by loading the model, so a file the writer picks can be
checked (and described in the dialog: name, size, quantization, sha256) in a fraction of a
second, and a truncated download is named as such instead of failing somewhere inside llama.cpp.
Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md (versions 2 and 3).
"""

from __future__ import annotations

import hashlib
import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

from models.base import ModelUnavailable

MAGIC = b"GGUF"
_HASH_BLOCK = 4 * 1024 * 1024

# Scalar metadata value types: type id -> struct format.
_SCALARS = {
    0: "B",
    1: "b",
    2: "H",
    3: "h",
    4: "I",
    5: "i",
    6: "f",
    7: "?",
    10: "Q",
    11: "q",
    12: "d",
}
_STRING = 8
_MAX_DIMS = 4  # GGML_MAX_DIMS
_ARRAY = 9

# llama_ftype (general.file_type) -> the quantization name people know.
FILE_TYPES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    20: "IQ2_XS",
    21: "Q2_K_S",
    22: "IQ3_XS",
    23: "IQ3_XXS",
    24: "IQ1_S",
    25: "IQ4_NL",
    26: "IQ3_S",
    27: "IQ3_M",
    28: "IQ2_S",
    29: "IQ2_M",
    30: "IQ4_XS",
    31: "IQ1_M",
    32: "BF16",
    36: "TQ1_0",
    37: "TQ2_0",
    38: "MXFP4_MOE",
}

# ggml tensor type -> (elements per block, bytes per block), to know where the data must end.
_TENSOR_TYPES = {
    0: (1, 4),  # F32
    1: (1, 2),  # F16
    2: (32, 18),  # Q4_0
    3: (32, 20),  # Q4_1
    6: (32, 22),  # Q5_0
    7: (32, 24),  # Q5_1
    8: (32, 34),  # Q8_0
    9: (32, 36),  # Q8_1
    10: (256, 84),  # Q2_K
    11: (256, 110),  # Q3_K
    12: (256, 144),  # Q4_K
    13: (256, 176),  # Q5_K
    14: (256, 210),  # Q6_K
    15: (256, 292),  # Q8_K
    16: (256, 66),  # IQ2_XXS
    17: (256, 74),  # IQ2_XS
    18: (256, 98),  # IQ3_XXS
    19: (256, 50),  # IQ1_S
    20: (32, 18),  # IQ4_NL
    21: (256, 110),  # IQ3_S
    22: (256, 82),  # IQ2_S
    23: (256, 136),  # IQ4_XS
    24: (1, 1),  # I8
    25: (1, 2),  # I16
    26: (1, 4),  # I32
    27: (1, 8),  # I64
    28: (1, 8),  # F64
    29: (256, 56),  # IQ1_M
    30: (1, 2),  # BF16
    34: (256, 54),  # TQ1_0
    35: (256, 66),  # TQ2_0
    39: (32, 17),  # MXFP4
}


@dataclass(frozen=True)
class GgufInfo:
    """What the preferences dialog shows about a GGUF file."""

    path: Path
    name: str  # general.name, or the file name when the header has none
    size: int  # bytes
    quantization: str  # e.g. "Q4_K_M"; "unknown" when the header does not say
    file_type: int | None  # raw general.file_type
    architecture: str | None
    version: int
    sha256: str | None  # None when not asked for

    def describe(self) -> str:
        """One line: name, quantization and size."""
        return f"{self.name} · {self.quantization} · {self.size / 1e6:.0f} MB"


class _Truncated(Exception):
    pass


class _Reader:
    """Reads little-endian GGUF fields from a memory map, raising _Truncated at the end."""

    def __init__(self, data: mmap.mmap | bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        if self.pos + size > len(self.data):
            raise _Truncated
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += size
        return values

    def string(self) -> str:
        (length,) = self.unpack("Q")
        if self.pos + length > len(self.data):
            raise _Truncated
        raw = self.data[self.pos : self.pos + length]
        self.pos += length
        return bytes(raw).decode("utf-8", errors="replace")

    def skip_string(self) -> None:
        (length,) = self.unpack("Q")
        self.pos += length
        if self.pos > len(self.data):
            raise _Truncated

    def value(self, vtype: int, keep: bool) -> object:
        if vtype in _SCALARS:
            return self.unpack(_SCALARS[vtype])[0]
        if vtype == _STRING:
            if keep:
                return self.string()
            self.skip_string()
            return None
        if vtype == _ARRAY:
            item_type, count = self.unpack("IQ")
            if item_type in _SCALARS:
                # Fixed-size items: jump over the whole array at once.
                self.pos += struct.calcsize("<" + _SCALARS[item_type]) * count
                if self.pos > len(self.data):
                    raise _Truncated
            else:
                for _ in range(count):
                    self.value(item_type, keep=False)
            return None
        raise ValueError(f"unknown metadata type {vtype}")


def _open_map(path: Path) -> tuple[mmap.mmap, int]:
    try:
        with path.open("rb") as handle:
            size = path.stat().st_size
            if size < 4:
                raise ModelUnavailable(f"{path.name} is not a GGUF model file (it is too small).")
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ), size
    except FileNotFoundError as error:
        raise ModelUnavailable(f"Model file not found: {path}") from error
    except IsADirectoryError as error:
        raise ModelUnavailable(f"{path} is a folder, not a model file.") from error
    except PermissionError as error:
        raise ModelUnavailable(f"Cannot read {path.name}: permission denied.") from error
    except OSError as error:
        raise ModelUnavailable(f"Cannot read {path.name}: {error.strerror or error}.") from error


def _parse(path: Path, *, full: bool) -> tuple[dict[str, object], int, int, int]:
    """Return (metadata, version, size, expected minimum size) — the last only when `full`."""
    data, size = _open_map(path)
    try:
        if data[:4] != MAGIC:
            raise ModelUnavailable(f"{path.name} is not a GGUF model file.")
        reader = _Reader(data)
        reader.pos = 4
        try:
            (version,) = reader.unpack("I")
            if version not in (2, 3):
                raise ModelUnavailable(
                    f"{path.name} uses GGUF version {version}, which is not supported."
                )
            tensor_count, kv_count = reader.unpack("QQ")
            wanted = {"general.name", "general.file_type", "general.architecture"}
            meta: dict[str, object] = {}
            for _ in range(kv_count):
                key = reader.string()
                (vtype,) = reader.unpack("I")
                keep = key in wanted or key == "general.alignment"
                value = reader.value(vtype, keep)
                if keep:
                    meta[key] = value
                if not full and wanted <= meta.keys():
                    # The dialog only needs these; skip the (large) tokenizer arrays.
                    return meta, version, size, 0
            if not full:
                return meta, version, size, 0
            data_end = 0
            for _ in range(tensor_count):
                reader.skip_string()
                (n_dims,) = reader.unpack("I")
                if n_dims > _MAX_DIMS:
                    raise ValueError(f"a tensor with {n_dims} dimensions")
                dims = reader.unpack("Q" * n_dims) if n_dims else ()
                ttype, offset = reader.unpack("IQ")
                elements = 1
                for dim in dims:
                    elements *= dim
                block, block_bytes = _TENSOR_TYPES.get(ttype, (1, 0))
                data_end = max(data_end, offset + elements // block * block_bytes)
            alignment = int(meta.get("general.alignment") or 32)  # type: ignore[call-overload]
            if not tensor_count:
                return meta, version, size, reader.pos  # no data section to pad to
            data_start = -(-reader.pos // alignment) * alignment
            return meta, version, size, data_start + data_end
        except _Truncated:
            raise ModelUnavailable(
                f"{path.name} is truncated (its header ends early); download or copy it again."
            ) from None
        except (ValueError, struct.error) as error:
            raise ModelUnavailable(f"{path.name} has a damaged GGUF header ({error}).") from None
    finally:
        data.close()


def check_gguf(path: str | Path) -> None:
    """Raise `ModelUnavailable` with a plain reason unless `path` is a whole, readable GGUF file."""
    path = Path(path)
    _meta, _version, size, expected = _parse(path, full=True)
    if size < expected:
        raise ModelUnavailable(
            f"{path.name} is truncated ({size:,} of {expected:,} bytes); download or copy it again."
        )


def file_sha256(path: str | Path) -> str:
    """The file's sha256, read in blocks so memory stays flat for large models."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def inspect_gguf(path: str | Path, *, with_sha256: bool = True) -> GgufInfo:
    """Describe a GGUF file from its header (and its sha256 unless `with_sha256` is False).

    Raises `ModelUnavailable` for a missing, unreadable or non-GGUF file.
    """
    path = Path(path)
    meta, version, size, _ = _parse(path, full=False)
    file_type = meta.get("general.file_type")
    file_type = int(file_type) if isinstance(file_type, int) else None
    quant = FILE_TYPES.get(file_type, f"type {file_type}") if file_type is not None else "unknown"
    name = meta.get("general.name")
    arch = meta.get("general.architecture")
    try:
        sha = file_sha256(path) if with_sha256 else None
    except OSError as error:
        raise ModelUnavailable(f"Cannot read {path.name}: {error.strerror or error}.") from error
    return GgufInfo(
        path=path,
        name=str(name) if name else path.stem,
        size=size,
        quantization=quant,
        file_type=file_type,
        architecture=str(arch) if arch else None,
        version=version,
        sha256=sha,
    )
