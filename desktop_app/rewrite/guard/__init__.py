"""The rewrite guard: every model-written result is checked against its source before review.

`check(action, source, output)` gives plain-worded warnings; `verdict(warnings)` says "ok",
"warn" or "reject". See `checks` for the checks and their cost; `text` and `facts` hold the
sentence alignment and the number, date, name and language measures they use.
"""

from desktop_app.rewrite.guard.checks import LENGTH_BOUNDS, GuardWarning, check, verdict

__all__ = ["LENGTH_BOUNDS", "GuardWarning", "check", "verdict"]
