#!/usr/bin/env bash
# Strip the debug symbols from the bundled libpython (a pyenv build carries them: 23 MB -> 6 MB).
# Only libpython: stripping the wheels' own libraries (numpy's OpenBLAS) breaks their loading
# ("ELF load command address/offset not page-aligned"), which is why PyInstaller's strip is off.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
command -v strip >/dev/null || { echo "note: strip missing; libpython left as it is" >&2; exit 0; }
for lib in "$root"/dist/inkling/_internal/libpython3*.so*; do
    [ -f "$lib" ] && [ ! -L "$lib" ] || continue
    strip --strip-unneeded "$lib"
done
du -sh "$root/dist/inkling"
