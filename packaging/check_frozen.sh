#!/usr/bin/env bash
# Prove the built bundle works on its own: `inkling check` from another folder (from the unpacked
# Linux tarball when there is a fresh one), with an empty HOME (no settings, no assembled models)
# and, where this user may, no network at all. Then, when an X server can be had (xvfb-run), open
# the window and wait for a first suggestion.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
app="$root/dist/inkling/inkling"
test -x "$app" || { echo "$app is missing: run make package" >&2; exit 1; }
home="$(mktemp -d)"
work="$(mktemp -d)"
trap 'rm -rf "$home" "$work"' EXIT
# A new network namespace has only a downed loopback: no connection can leave. Root may make one
# directly; other users through a user namespace (-r), where the kernel allows those.
isolate=()
if unshare -n true 2>/dev/null; then
    isolate=(unshare -n)
elif unshare -rn true 2>/dev/null; then
    isolate=(unshare -rn)
else
    echo "note: unshare -n is not permitted here; checking with the network present" >&2
fi
cd "$work"
# Prefer the tarball a writer downloads: unpacked elsewhere, it proves the folder is relocatable.
tarball="$root/dist/inkling-linux-$(uname -m).tar.gz"
if [ -f "$tarball" ] && [ "$tarball" -nt "$app" ]; then
    tar -xzf "$tarball" -C "$work"
    app="$work/inkling/inkling"
    echo "checking the unpacked $(basename "$tarball")"
fi
# Only the essentials of the environment: nothing from the source tree or the venv leaks in.
env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 "${isolate[@]}" "$app" check
if command -v xvfb-run >/dev/null; then
    env -u QT_QPA_PLATFORM xvfb-run -a -s "-screen 0 1280x800x24" \
        "$root/.venv/bin/python" "$root/packaging/measure_startup.py" --app "$app" --runs 1
else
    echo "note: xvfb-run missing; the window was not opened" >&2
fi
