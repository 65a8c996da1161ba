"""The catalogue of rewrite actions: what each one is called, where its prompt lives, how it applies.

The widgets build their menus from `ACTIONS` (in order); the job code and the command line look an
action up by its id with `get_action`. Nothing here imports Qt, so the catalogue is usable anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ApplyMode(StrEnum):
    """How a finished result relates to the text the job was given."""

    # The result replaces the original (review shows a word diff; Replace is the default choice).
    REPLACE = "replace"
    # The result is new text to put after the original (Continue writing: "Insert below").
    APPEND = "append"


@dataclass(frozen=True)
class RewriteAction:
    """One entry of the rewrite menu."""

    id: str  # stable id used by settings, the job queue, the CLI (`--action`) and the perf log
    label: str  # menu label, with `&` marking the mnemonic
    # Default key in Qt's portable text form ("" for none); never Ctrl+Alt+letter, which is AltGr
    # on Windows and many European layouts. The writer may change it (desktop_app.shortcuts).
    shortcut: str
    template: str  # file name under resources/prompts/
    apply_mode: ApplyMode = ApplyMode.REPLACE
    needs_instruction: bool = False  # the writer types an instruction (Custom instruction…)
    # Budget for the reply relative to the input's tokens: a rewrite is about as long as its
    # input, a summary much shorter. The job adds a small constant for the model's own wording.
    output_ratio: float = 1.5
    # Largest chunk sent in one request. SmolLM2-135M rewrites about one paragraph faithfully but
    # drops whole sentences from a 200-token chunk (measured); a summary may read more at once.
    chunk_tokens: int = 100
    # Continue writing reads only the end of the text and writes one paragraph, so it does not
    # walk the document chunk by chunk.
    per_chunk: bool = True
    status_tip: str = ""

    @property
    def plain_label(self) -> str:
        """The label without mnemonic marker or ellipsis, for status lines and the job list."""
        return self.label.replace("&", "").rstrip(".…")


ACTIONS: tuple[RewriteAction, ...] = (
    RewriteAction(
        id="concise",
        label="Rewrite More &Concisely",
        shortcut="Ctrl+Shift+C",
        template="concise.txt",
        output_ratio=1.2,
        status_tip="Rewrite the text shorter, keeping its meaning",
    ),
    RewriteAction(
        id="grammar",
        label="Fix &Grammar and Spelling",
        shortcut="Ctrl+Shift+K",
        template="grammar.txt",
        output_ratio=1.4,
        status_tip="Correct grammar, spelling and punctuation only",
    ),
    RewriteAction(
        id="formal",
        label="More &Formal",
        shortcut="Ctrl+Shift+O",
        template="formal.txt",
        status_tip="Rewrite the text in a more formal tone",
    ),
    RewriteAction(
        id="friendly",
        label="More F&riendly",
        shortcut="Ctrl+Shift+R",
        template="friendly.txt",
        status_tip="Rewrite the text in a warmer, friendlier tone",
    ),
    RewriteAction(
        id="summarize",
        label="&Summarize",
        shortcut="Ctrl+Shift+M",
        template="summarize.txt",
        output_ratio=0.6,
        chunk_tokens=450,
        status_tip="Write a short summary of the text",
    ),
    RewriteAction(
        id="continue",
        label="Continue &Writing",
        shortcut="Ctrl+Shift+W",
        template="continue.txt",
        apply_mode=ApplyMode.APPEND,
        chunk_tokens=600,  # how much of the end of the text it reads
        per_chunk=False,
        status_tip="Write the next paragraph",
    ),
    RewriteAction(
        id="custom",
        label="C&ustom Instruction…",
        shortcut="Ctrl+Shift+I",
        template="custom.txt",
        needs_instruction=True,
        status_tip="Rewrite the text following your own instruction",
    ),
)

_BY_ID = {action.id: action for action in ACTIONS}

# Ids the command line accepts; Continue writing needs a cursor position, so it is GUI-only.
CLI_ACTION_IDS: tuple[str, ...] = tuple(a.id for a in ACTIONS if a.id != "continue")


def get_action(action_id: str) -> RewriteAction:
    """The action with this id; raises `KeyError` naming the known ids if there is none."""
    try:
        return _BY_ID[action_id]
    except KeyError:
        known = ", ".join(_BY_ID)
        raise KeyError(f"unknown rewrite action {action_id!r} (known: {known})") from None
