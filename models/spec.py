"""What model to use for one path: a bundled model, a GGUF file the writer owns, or a remote server.

A `ModelSpec` is plain data (settings store it, the factory opens it). It is frozen so it can be
compared and used as a key: two paths with equal specs can share one loaded model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

SpecKind = Literal["bundled", "gguf", "remote"]
KINDS: tuple[str, ...] = ("bundled", "gguf", "remote")


@dataclass(frozen=True)
class ModelSpec:
    """Which model serves a path, and the generation options for that path."""

    kind: SpecKind = "bundled"
    bundled_id: str | None = None  # for kind "bundled"; None means the role's default
    path: str | None = None  # for kind "gguf"
    base_url: str | None = None  # for kind "remote", e.g. "http://localhost:11434/v1"
    model: str | None = None  # for kind "remote": the server's model name
    # Never shown by repr: specs end up in log lines and crash reports.
    api_key: str | None = field(default=None, repr=False)
    max_tokens: int | None = None  # None: the path's own default
    temperature: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown model kind {self.kind!r}; expected one of {KINDS}")

    def describe(self) -> str:
        """One line a writer can read, such as "Bundled: Gemma 3 270M" or "Remote: llama3 at …"."""
        if self.kind == "bundled":
            from models.registry import BUNDLED

            entry = BUNDLED.get(self.bundled_id or "")
            return f"Bundled: {entry.display_name if entry else (self.bundled_id or 'default')}"
        if self.kind == "gguf":
            return f"GGUF file: {Path(self.path).name if self.path else '(none chosen)'}"
        model = self.model or "(no model)"
        return f"Remote: {model} at {self.base_url or '(no URL)'}"

    def same_model(self, other: ModelSpec) -> bool:
        """True when both specs load the same weights (generation options may differ)."""
        strip = {"max_tokens": None, "temperature": None}
        return replace(self, **strip) == replace(other, **strip)

    def to_dict(self, *, include_key: bool = False) -> dict[str, object]:
        """Plain JSON-able data; the API key is left out unless asked for."""
        data: dict[str, object] = {
            "kind": self.kind,
            "bundled_id": self.bundled_id,
            "path": self.path,
            "base_url": self.base_url,
            "model": self.model,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
        }
        if include_key:
            data["api_key"] = self.api_key
        return data
