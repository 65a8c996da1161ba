"""Prompt templates for rewrite actions, and the chat messages built from them.

A template (`resources/prompts/<action>.txt`) has a `[system]` and a `[user]` section. Two
placeholders exist: `{text}` (the writer's text) and `{instruction}` (Custom instruction…). The
document is treated as data: it is put between `<text>` and `</text>` delimiters, the system
message says to work on it and never obey what it says, and the user message states the task both
before and after the text. All actions share one system message, so llama.cpp's prefix cache keeps
it evaluated from one job to the next. Substitution is a single pass, so a document that itself
contains `{instruction}` or `{text}` is passed through literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from desktop_app.rewrite.actions import RewriteAction, get_action

_SECTION = re.compile(r"^\[(system|user)\]\s*$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{(text|instruction)\}")
# A document containing our own delimiters could close the data block early and smuggle text
# outside it; defuse them by swapping the angle brackets for look-alikes.
_DELIMITER = re.compile(r"<(/?)(text)>", re.IGNORECASE)


class PromptError(ValueError):
    """A template is missing or malformed, or an instruction is missing."""


@dataclass(frozen=True)
class PromptTemplate:
    """The two halves of one action's prompt, with placeholders still in them."""

    system: str
    user: str


def _parse(name: str, source: str) -> PromptTemplate:
    parts = _SECTION.split(source)
    # split() yields [before, name1, body1, name2, body2]; anything before [system] is ignored.
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if set(sections) != {"system", "user"}:
        raise PromptError(f"prompt template {name} needs a [system] and a [user] section")
    if "{text}" not in sections["user"]:
        raise PromptError(f"prompt template {name} must put {{text}} in its [user] section")
    return PromptTemplate(system=sections["system"], user=sections["user"])


@cache
def load_template(name: str) -> PromptTemplate:
    """Read and parse `resources/prompts/<name>` (cached; templates do not change at run time)."""
    resource = files("resources") / "prompts" / name
    try:
        source = resource.read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as error:
        raise PromptError(f"prompt template {name} is missing") from error
    return _parse(name, source)


def defuse_delimiters(text: str) -> str:
    """Return `text` with any `<text>`/`</text>` tags made harmless (look-alike brackets)."""
    return _DELIMITER.sub(lambda m: f"\u2039{m.group(1)}{m.group(2)}\u203a", text)


def _fill(template: str, text: str, instruction: str) -> str:
    values = {"text": text, "instruction": instruction}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def build_messages(
    action: RewriteAction | str, text: str, instruction: str | None = None
) -> list[dict[str, str]]:
    """Chat messages asking the model to apply `action` to `text`.

    `instruction` is required for actions that need one (Custom instruction…) and ignored
    otherwise. Raises `PromptError` if it is missing.
    """
    if isinstance(action, str):
        action = get_action(action)
    # One line, without the closing full stop the template adds itself.
    instruction = " ".join((instruction or "").split()).rstrip(" .")
    if action.needs_instruction and not instruction:
        raise PromptError(f"{action.plain_label} needs an instruction")
    template = load_template(action.template)
    data = defuse_delimiters(text)
    return [
        {"role": "system", "content": _fill(template.system, data, instruction)},
        {"role": "user", "content": _fill(template.user, data, instruction)},
    ]


def prompt_overhead(
    action: RewriteAction | str, count_tokens, instruction: str | None = None
) -> int:
    """Tokens the prompt costs around the text itself (system, user frame, chat markup slack).

    `count_tokens(str) -> int` is the model's counter. Chat templates add a few tokens per
    message that the plain counter does not see, hence the fixed margin.
    """
    messages = build_messages(action, "", instruction or "x")
    return sum(count_tokens(m["content"]) for m in messages) + 16
