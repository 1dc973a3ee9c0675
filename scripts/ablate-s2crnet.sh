#!/usr/bin/env bash
# S2CRNet ablation at equal steps: backbone {snack SqueezeNet, ImageNet ResNet-18} x data {v1, v2} x input {128, 256},
# each with a frozen encoder and cached features (harmonia train s2crnet-cached), the same heads (hidden 256, colour
# statistics), the same number of training samples (LIMIT) and steps (STEPS). Every configuration validates on the same
# seeded subset of the synth-v2 test split (VAL_LIMIT samples; sampled-pixel fMSE, which chooses the epoch and the set-up)
# and is then scored on ihm4-samples (reported, never used to choose).
# Usage: scripts/ablate-s2crnet.sh V1_ROOT V2_ROOT OUT_DIR [HARMONIA_BIN]
set -euo pipefail
v1=$1; v2=$2; out=$3; harmonia=${4:-"dotnet run --project src/Harmonia.Cli -c Release --"}
limit=${LIMIT:-3000}; val=${VAL_LIMIT:-500}; steps=${STEPS:-2000}
snack=${SNACK:-../shared/pretrained/squeezenet1.1-trunk-snacks.onnx}
export OMP_WAIT_POLICY=PASSIVE   # libtorch's OpenMP threads otherwise spin when the 2 cores are shared
mkdir -p "$out"
for size in 128 256; do
  for backbone in resnet18 squeezenet; do
    for data in v2 v1; do
      root=$v1; [ "$data" = v2 ] && root=$v2
      name="$data-$backbone-$size"
      [ -f "$out/$name/eval-ihm4.json" ] && continue
      extra=(--hidden 256 --color-stats)
      if [ "$backbone" = resnet18 ]; then extra+=(--pyramid); else extra+=(--init-backbone "$snack"); fi
      $harmonia train s2crnet-cached --data "$root" --val-data "$v2" --out "$out/$name" --backbone "$backbone" --size "$size" \
        --limit "$limit" --val-limit "$val" --steps "$steps" --cache "$out/cache/$name" --val-cache "$out/cache/val-v2-$backbone-$size" \
        "${extra[@]}" > "$out/$name.log" 2>&1
      $harmonia eval ../shared/data/ihm4-samples --method s2crnet --set model="$out/$name/best.safetensors" --json "$out/$name/eval-ihm4.json" > /dev/null
    done
  done
done
python3 scripts/ablation-table.py "$out"
