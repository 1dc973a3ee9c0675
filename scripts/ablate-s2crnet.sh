#!/usr/bin/env bash
# S2CRNet ablation at equal steps: backbone {snack SqueezeNet, ImageNet ResNet-18} x data {v1, v2} x input {128, 256},
# each with a frozen encoder and cached features (harmonia train s2crnet-cached), the same head, subset sizes and steps.
# Every model is scored on the synth-v2 test split (the choice) and on ihm4-samples (reported, never used to choose).
# Usage: scripts/ablate-s2crnet.sh V1_ROOT V2_ROOT OUT_DIR [HARMONIA_BIN]
set -euo pipefail
v1=$1; v2=$2; out=$3; harmonia=${4:-"dotnet run --project src/Harmonia.Cli -c Release --"}
limit=${LIMIT:-6000}; val=${VAL_LIMIT:-600}; steps=${STEPS:-3000}
snack=${SNACK:-../shared/pretrained/squeezenet1.1-trunk-snacks.onnx}
export OMP_WAIT_POLICY=PASSIVE   # libtorch's OpenMP threads otherwise spin when the 2 cores are shared
mkdir -p "$out"
for data in v1 v2; do
  root=$v1; [ "$data" = v2 ] && root=$v2
  for backbone in squeezenet resnet18; do
    for size in 128 256; do
      name="$data-$backbone-$size"
      [ -f "$out/$name/eval-v2.json" ] && continue
      extra=(--hidden 256)
      if [ "$backbone" = resnet18 ]; then extra+=(--pyramid); else extra+=(--init-backbone "$snack"); fi
      $harmonia train s2crnet-cached --data "$root" --out "$out/$name" --backbone "$backbone" --size "$size" \
        --limit "$limit" --val-limit "$val" --steps "$steps" --cache "$out/cache/$data-$backbone-$size" "${extra[@]}" > "$out/$name.log" 2>&1
      $harmonia eval "$v2" --method s2crnet --set model="$out/$name/best.safetensors" --json "$out/$name/eval-v2.json" > /dev/null
      $harmonia eval ../shared/data/ihm4-samples --method s2crnet --set model="$out/$name/best.safetensors" --json "$out/$name/eval-ihm4.json" > /dev/null
    done
  done
done
python3 scripts/ablation-table.py "$out"
