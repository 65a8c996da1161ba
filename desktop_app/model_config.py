"""Which model each path uses, from the settings: local-only mode and API keys applied."""

from __future__ import annotations

from desktop_app.settings import Settings, spec_for


def specs_for_settings(settings: Settings):
    """(inline spec, rewrite spec) for the model host; a remote choice in local-only mode is
    refused (None: that path is off) so the app opens no network connection at all."""
    specs = []
    for choice in (settings.inline, settings.rewrite):
        if choice.kind == "remote" and settings.local_only:
            specs.append(None)
        else:
            specs.append(spec_for(choice))
    return tuple(specs)
