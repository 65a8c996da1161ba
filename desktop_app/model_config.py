"""Which model each path uses, from the settings: local-only mode and API keys applied."""

from __future__ import annotations

from desktop_app import secrets
from desktop_app.settings import ModelChoice, Settings, spec_for


def remote_blocked(settings: Settings, choice: ModelChoice) -> bool:
    """True when `choice` is remote and local-only mode forbids it."""
    return choice.kind == "remote" and settings.local_only


def needs_keys(settings: Settings) -> bool:
    """True when making the specs may read the keychain (a remote path that is allowed)."""
    return any(
        choice.kind == "remote" and not remote_blocked(settings, choice)
        for choice in (settings.inline, settings.rewrite)
    )


def specs_for_settings(settings: Settings):
    """(inline spec, rewrite spec) for the model host.

    A remote choice in local-only mode is refused (None: that path is off) so the app opens no
    network connection at all; the keychain is not even asked for its key then. A remote choice
    otherwise carries its path's API key (never shown by the spec's repr).
    """
    specs = []
    for role, choice in (("inline", settings.inline), ("rewrite", settings.rewrite)):
        if remote_blocked(settings, choice):
            specs.append(None)
        elif choice.kind == "remote":
            specs.append(spec_for(choice, secrets.get_api_key(settings, role)))
        else:
            specs.append(spec_for(choice))
    return tuple(specs)
