#!/usr/bin/env bash
# The cascade's second stage trained on out-of-fold first-stage outputs (docs/methods/cascade.md, "Out-of-fold first
# stage"): S2CRNet run on photos it was trained on removes far more of a cast than on new ones, so a PHNet trained on
# such outputs learns to expect nearly corrected inputs. Here every training composite goes through an S2CRNet head
# that never saw its photo:
#   1. HEAD_ROOT's training list split in two by an MD5 of the photo name (the composite name without its last two
#      _N parts); an S2CRNet head trained on each half with the shipped card's settings (cached features);
#   2. STAGE2_ROOT's training composites split by the same rule, each half harmonized by the other half's head at the
#      cascade's curve strength STRENGTH -> OUT/train (an iHarmony4 root: symlinked masks and real images);
#   3. TEST_ROOT's test composites through the shipped S2CRNet at STRENGTH -> OUT/val/data (the trainer's validation
#      inputs, by scripts/make-cascade-data.sh);
#   4. PHNet continued from INIT for STEPS steps on OUT/train (the shipped phnet's recipe) -> OUT/phnet/out.
# Then score it in the product path, e.g.
#   harmonia eval TEST_ROOT -m cascade --set model=OUT/phnet/out/generator.safetensors --set mirror=true --set curves-strength=STRENGTH
# usage: scripts/train-cascade-oof.sh HEAD_ROOT STAGE2_ROOT TEST_ROOT OUT
#   env: STRENGTH (0.5), STEPS (1200), HEAD_EPOCHS (6), INIT (models/phnet.safetensors), FRACTION (1: the share of
#        every list used, for a quick trial), HARMONIA (the Release build's harmonia). Resumable: finished steps are
#        skipped, the PHNet run resumes from its last checkpoint.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 HEAD_ROOT STAGE2_ROOT TEST_ROOT OUT" >&2; exit 2; }
head_root=$(realpath "$1"); stage2_root=$(realpath "$2"); test_root=$(realpath "$3"); mkdir -p "$4"; out=$(realpath "$4")
strength=${STRENGTH:-0.5}; steps=${STEPS:-1200}; epochs=${HEAD_EPOCHS:-6}; fraction=${FRACTION:-1}
repo=$(cd "$(dirname "$0")/.." && pwd)
init=$(realpath "${INIT:-$repo/models/phnet.safetensors}")
harmonia=${HARMONIA:-$repo/src/Harmonia.Cli/bin/Release/net10.0/harmonia}
export OMP_WAIT_POLICY=PASSIVE   # libtorch's OpenMP threads otherwise spin when the 2 cores are shared

# keep LIST: the first FRACTION of a list (a quick trial keeps every subset)
keep() { awk -v f="$fraction" '{ a[NR] = $0 } END { n = int(NR * f); if (n < 1 && NR > 0) n = 1; for (i = 1; i <= n; i++) print a[i] }' "$1"; }
# split LIST A B: lines whose photo's MD5 is even go to A, the others to B
split_by_photo() {
  python3 - "$1" "$2" "$3" <<'PY'
import hashlib, sys
src, a, b = sys.argv[1:]
with open(a, 'w') as fa, open(b, 'w') as fb:
    for line in open(src):
        name = line.strip()
        if not name: continue
        photo = '_'.join(name.rsplit('.', 1)[0].split('_')[:-2])
        (fa if int(hashlib.md5(photo.encode()).hexdigest(), 16) % 2 == 0 else fb).write(name + '\n')
PY
}
# layout ROOT SUB DEST COMPOSITES: an iHarmony4 subset folder DEST/SUB with ROOT's masks and real images
layout() {
  mkdir -p "$3/$1"
  ln -sfn "$4" "$3/$1/composite_images"; ln -sfn "$2/$1/masks" "$3/$1/masks"; ln -sfn "$2/$1/real_images" "$3/$1/real_images"
}
subsets() { for d in "$1"/*/; do s=$(basename "$d"); [ -f "$d/${s}_$2.txt" ] && echo "$s"; done; }

# 1. two S2CRNet heads, each on half of HEAD_ROOT's training photos
for f in A B; do mkdir -p "$out/heads/data-$f"; done
for s in $(subsets "$head_root" train); do
  for f in A B; do layout "$s" "$head_root" "$out/heads/data-$f" "$head_root/$s/composite_images"; done
  keep "$head_root/$s/${s}_train.txt" > "$out/heads/$s.txt"
  split_by_photo "$out/heads/$s.txt" "$out/heads/data-A/$s/${s}_train.txt" "$out/heads/data-B/$s/${s}_train.txt"
done
for f in A B; do
  [ -f "$head_root/semantic-labels.txt" ] && cp "$head_root/semantic-labels.txt" "$out/heads/data-$f/"
  [ -f "$out/heads/head-$f/best.safetensors" ] || "$harmonia" train s2crnet-cached --data "$out/heads/data-$f" --out "$out/heads/head-$f" \
    --backbone resnet18 --pyramid --color-stats --hidden 256 --size 128 --val-data "$head_root" --val-limit 500 --epochs "$epochs" \
    --cache "$out/heads/cache-$f"
done

# 2. STAGE2_ROOT's training composites through the head that never saw their photos
if [ ! -f "$out/train.done" ]; then
  for s in $(subsets "$stage2_root" train); do
    keep "$stage2_root/$s/${s}_train.txt" > "$out/stage2-$s.txt"
    for f in A B; do mkdir -p "$out/in-$f/$s/composite_images"; ln -sfn "$stage2_root/$s/masks" "$out/in-$f/$s/masks"; ln -sfn "$stage2_root/$s/real_images" "$out/in-$f/$s/real_images"; done
    split_by_photo "$out/stage2-$s.txt" "$out/in-A/$s/${s}_train.txt" "$out/in-B/$s/${s}_train.txt"
    for f in A B; do while read -r n; do ln -sf "$stage2_root/$s/composite_images/$n" "$out/in-$f/$s/composite_images/$n"; done < "$out/in-$f/$s/${s}_train.txt"; done
  done
  "$harmonia" harmonize "$out/in-A" -m s2crnet --set model="$out/heads/head-B/best.safetensors" --strength "$strength" -o "$out/outputs" --skip-existing
  "$harmonia" harmonize "$out/in-B" -m s2crnet --set model="$out/heads/head-A/best.safetensors" --strength "$strength" -o "$out/outputs" --skip-existing
  for s in $(subsets "$stage2_root" train); do
    layout "$s" "$stage2_root" "$out/train" "$out/outputs/$s"
    cat "$out/in-A/$s/${s}_train.txt" "$out/in-B/$s/${s}_train.txt" | sed 's/\.[^.]*$/.png/' | sort > "$out/train/$s/${s}_train.txt"
  done
  [ -f "$stage2_root/semantic-labels.txt" ] && cp "$stage2_root/semantic-labels.txt" "$out/train/"
  touch "$out/train.done"
fi

# 3. validation inputs: the shipped S2CRNet at STRENGTH on TEST_ROOT's test composites (make-cascade-data.sh's layout)
if [ ! -f "$out/val.done" ]; then
  rm -rf "$out/val"
  HARMONIA="$harmonia" "$repo/scripts/make-cascade-data.sh" "$test_root" "$out/val" test "$fraction" s2crnet --strength "$strength"
  touch "$out/val.done"
fi

# 4. PHNet continued on the out-of-fold inputs (the shipped phnet's recipe)
mkdir -p "$out/phnet"; cd "$out/phnet"
resume=(); [ -f out/checkpoint-last.safetensors ] && resume=(--resume)
"$harmonia" train phnet --data "$out/train" --val-data "$out/val/data" --out out --width 2 --output residual --size 160 --geometry fit \
  --batch-size 16 --optimizer lion --lr 1e-4 --weight-decay 0 --schedule cosine --warmup 50 --no-adv --steps "$steps" --epochs 10 \
  --stage 3 --init "$init" --val-every 400 --val-limit 300 --checkpoint-every 100 --log-every 25 --seed 11 --threads 2 --workers 1 "${resume[@]}"
echo "Wrote $out/phnet/out/generator.safetensors: PHNet on out-of-fold S2CRNet outputs (curve strength $strength)."
