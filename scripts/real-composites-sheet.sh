#!/usr/bin/env bash
# Contact sheet of the 12 real composites listed in scripts/real-composites-12.txt (from ../shared/data/real-composites):
# a row per composite, columns composite | mask outline | each method. The sheet shows shared images: never commit it.
#
# Usage: scripts/real-composites-sheet.sh [OUT.png] [more 'harmonia sheet' options]
#   METHODS=s2crnet,phnet,mkl (default) chooses the method columns; extra options pass through, e.g.
#   scripts/real-composites-sheet.sh /tmp/sheet.png --model s2crnet=models/old/s2crnet-c.safetensors
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-real-composites-sheet.png}"
[ $# -gt 0 ] && shift
exec dotnet run --project src/Harmonia.Cli -c Release -- sheet \
  --list scripts/real-composites-12.txt --root ../shared/data/real-composites \
  --methods "${METHODS:-s2crnet,phnet,mkl}" -o "$out" "$@"
