#!/usr/bin/env bash
# Fetches permissively licensed photos shipped in Debian packages, copies them into data/debian-photos/raw/ (ignored by
# git) with a CREDITS.tsv (file, package, licence, copyright), then makes photo/mask pairs with generated shape masks:
#   data/debian-photos/{photos,masks}/NAME_cK.{jpg,png} + MANIFEST.md   (input for `harmonia dataset synth`).
# Packages are fetched with `apt-get download` and unpacked into a temp folder (no system change, no dependencies).
# Licences come from each package's /usr/share/doc/<pkg>/copyright (DEP-5) and, for scikit-image's sample photos,
# from the docstrings of skimage/data/_fetchers.py (checked for python3-skimage 0.19.3-8).
# Usage: scripts/get-debian-photos.sh [OUT_DIR] [CROPS_PER_PHOTO]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/data/debian-photos}"
CROPS="${2:-12}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
RAW="$OUT/raw"
mkdir -p "$RAW"
CREDITS="$RAW/CREDITS.tsv"
printf '# file\tpackage\tlicence\tcopyright\n' > "$CREDITS.tmp"

# Licences accepted: they allow redistribution and derivative work (attribution / share-alike noted in MANIFEST.md).
ALLOWED='^(CC0-1.0|CC-BY-4.0|CC-BY-SA-4.0|CC-BY-SA-3.0|public-domain)$'

fetch() { # package -> unpacked into $WORK/$1 (one folder per package, so files are credited to their own package)
  (cd "$WORK" && apt-get download "$1" >/dev/null 2>&1) || { apt-get update -qq && (cd "$WORK" && apt-get download "$1"); }
  dpkg-deb -x "$WORK/$1"_*.deb "$WORK/$1"
}

for pkg in lomiri-wallpapers-16.04 lomiri-wallpapers-20.04; do
  fetch "$pkg"
  # DEP-5 stanzas: "Files: 16.04/NAME.jpg" / "Copyright: ..." / "License: ..."
  awk -v pkg="$pkg" 'BEGIN{OFS="\t"}
    /^Files:/ {files=$0; sub(/^Files: */,"",files); copy=""; next}
    /^Copyright:/ {copy=$0; sub(/^Copyright: */,"",copy); next}
    /^License:/ && files!="" {lic=$2; n=split(files, f, / +/); for(i=1;i<=n;i++){ b=f[i]; sub(/.*\//,"",b); print b, pkg, lic, copy }; files=""}
  ' "$WORK/$pkg/usr/share/doc/$pkg/copyright" | while IFS=$'\t' read -r file p lic copy; do
    src="$WORK/$pkg/usr/share/backgrounds/$file"
    [[ -f "$src" && "$file" =~ \.(jpg|png)$ && "$lic" =~ $ALLOWED ]] || continue
    cp "$src" "$RAW/$file"
    printf '%s\t%s\t%s\t%s\n' "$file" "$p" "$lic" "$copy" >> "$CREDITS.tmp"
  done
done

fetch python3-skimage
SK="$WORK/python3-skimage/usr/lib/python3/dist-packages/skimage/data"
while IFS='|' read -r file lic copy; do
  cp "$SK/$file" "$RAW/skimage_$file"
  printf '%s\t%s\t%s\t%s\n' "skimage_$file" python3-skimage "$lic" "$copy" >> "$CREDITS.tmp"
done <<'LIST'
astronaut.png|public-domain|NASA (Eileen Collins), no known copyright restrictions
chelsea.png|CC0-1.0|Stefan van der Walt
coffee.png|CC0-1.0|Rachel Michetti
rocket.jpg|public-domain|SpaceX, released into the public domain
LIST
mv "$CREDITS.tmp" "$CREDITS"
echo "Copied $(($(wc -l < "$CREDITS") - 1)) photos to $RAW"

HARMONIA="${HARMONIA:-dotnet run --project $ROOT/src/Harmonia.Cli -c Release --}"
$HARMONIA dataset shapes --photos "$RAW" --out "$OUT" --crops "$CROPS" --size 256 --seed 1 --credits "$CREDITS"
