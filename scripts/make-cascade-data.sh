#!/bin/bash
# Training or test data for the cascade's second stage: a method's outputs on an iHarmony4-layout dataset's composites,
# laid out as a new iHarmony4 root whose composites are those outputs (masks and real images are symlinks to the
# source; nothing of the source is copied or changed).
#
# usage: scripts/make-cascade-data.sh SOURCE OUT SPLIT [FRACTION] [METHOD] [HARMONIZE_OPTION ...]
#   SOURCE    an iHarmony4-layout root (e.g. /work/data/harmonia-synth-v3)
#   OUT       new folder: OUT/input (symlinks to the chosen composites), OUT/output (METHOD's results), OUT/data (the root)
#   SPLIT     train or test: which list of each subset (SUBSET/SUBSET_SPLIT.txt) to take
#   FRACTION  share of each list to keep, 0-1 (default 1): a seeded shuffle (shuf, fixed seed) then the first part
#   METHOD    first stage (default s2crnet, the shipped weights); run with `harmonia harmonize FOLDER -m METHOD`
#   HARMONIZE_OPTION ...  passed on to that harmonize, e.g. --strength 0.5 (the cascade's curve strength) or --set model=F
# Needs HARMONIA (default: the Release build's harmonia) and about 150 KB of disk per 256-px composite.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 SOURCE OUT SPLIT [FRACTION] [METHOD] [HARMONIZE_OPTION ...]" >&2; exit 2; }
src=$(realpath "$1"); out=$2; split=$3; fraction=${4:-1}; method=${5:-s2crnet}; shift $(( $# < 5 ? $# : 5 ))
harmonia=${HARMONIA:-$(dirname "$0")/../src/Harmonia.Cli/bin/Release/net10.0/harmonia}
[ -e "$out" ] && { echo "$0: $out exists; choose a new folder" >&2; exit 2; }
mkdir -p "$out/input" "$out/data"; out=$(realpath "$out")
for dir in "$src"/*/; do
  sub=$(basename "$dir"); list="$dir/${sub}_${split}.txt"
  [ -f "$list" ] || continue
  n=$(wc -l < "$list"); keep=$(awk -v n="$n" -v f="$fraction" 'BEGIN { printf "%d", n * f }')
  mkdir -p "$out/input/$sub/composite_images" "$out/data/$sub"
  ln -s "$dir/masks" "$out/input/$sub/masks"; ln -s "$dir/real_images" "$out/input/$sub/real_images"
  # awk rather than head: head would stop reading early, and shuf's next write would then fail (SIGPIPE, under pipefail)
  shuf --random-source=<(yes 11) "$list" | awk -v n="$keep" 'NR <= n' | sort > "$out/input/$sub/${sub}_${split}.txt"
  while read -r f; do ln -s "$dir/composite_images/$f" "$out/input/$sub/composite_images/$f"; done < "$out/input/$sub/${sub}_${split}.txt"
  ln -s "$out/output/$sub" "$out/data/$sub/composite_images"
  ln -s "$dir/masks" "$out/data/$sub/masks"; ln -s "$dir/real_images" "$out/data/$sub/real_images"
  sed 's/\.[^.]*$/.png/' "$out/input/$sub/${sub}_${split}.txt" > "$out/data/$sub/${sub}_${split}.txt"   # outputs are PNG
done
[ -f "$src/semantic-labels.txt" ] && cp "$src/semantic-labels.txt" "$out/input/" && cp "$src/semantic-labels.txt" "$out/data/"
"$harmonia" harmonize "$out/input" -m "$method" -o "$out/output" "$@"
echo "Wrote $out/data: $method's outputs on the $split composites of $src (fraction $fraction)."
