"""The frozen app's entry point: the same `main()` as the `inkling` console script.

`INKLING_STARTUP_PROBE=<file>` turns on a start-up timer (see `startup_probe.py`) that writes
when the window was shown and when the first inline suggestion was ready, then quits.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    import multiprocessing

    # A frozen child process (the GGUF trial load) must run its task, not a second app.
    multiprocessing.freeze_support()
    if os.environ.get("INKLING_STARTUP_PROBE"):
        import startup_probe

        startup_probe.install(os.environ["INKLING_STARTUP_PROBE"])
    from desktop_app.__main__ import main

    sys.exit(main())
