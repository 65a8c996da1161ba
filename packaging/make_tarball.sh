#!/usr/bin/env bash
# Pack dist/inkling/ into dist/inkling-linux-<arch>.tar.gz, the file a Linux writer downloads.
# gzip -1: the GGUF weights barely compress, so a higher level costs time for ~1% of size.
set -euo pipefail
cd "$(dirname "$0")/.."
test -x dist/inkling/inkling || { echo "dist/inkling/inkling is missing: run make package" >&2; exit 1; }
out="dist/inkling-linux-$(uname -m).tar.gz"
tar -C dist -cf - inkling | gzip -1 > "$out.partial"
mv "$out.partial" "$out"
echo "wrote $out ($(du -h "$out" | cut -f1))"
