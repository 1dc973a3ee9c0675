#!/usr/bin/env bash
# Makes the example composites in this folder from photos of Debian's lomiri-wallpapers-16.04 package
# (licences in CREDITS.md). Reproducible: same package version, same files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
photos=/usr/share/backgrounds
if [ ! -f "$photos/friends_by_Aitzol_Berasategi.jpg" ]; then
  echo "installing lomiri-wallpapers-16.04 (needs root)" >&2
  apt-get install -y lomiri-wallpapers-16.04 >/dev/null
fi
dotnet run -c Release --project "$here/../tools/Harmonia.ExampleMaker" -- make "$photos" "$here"
