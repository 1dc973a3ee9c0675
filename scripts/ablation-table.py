#!/usr/bin/env python3
"""Markdown table of an S2CRNet ablation folder made by scripts/ablate-s2crnet.sh.

Usage: python3 scripts/ablation-table.py OUT_DIR
Per configuration <data>-<backbone>-<size>: the sampled-pixel fMSE on the synth-v2 test subset at the best epoch
(from the training log), fMSE on ihm4-samples (protocol harmonia, from `harmonia eval --json`), the chosen epoch, feature-cache throughput (samples/s,
read from the training log) and head-training steps.
"""
import json, os, re, sys

def main():
    if len(sys.argv) != 2: sys.exit(__doc__)
    out = sys.argv[1]
    rows = []
    for name in sorted(os.listdir(out)):
        path = os.path.join(out, name)
        ihm4_path = os.path.join(path, 'eval-ihm4.json')
        if not os.path.isfile(ihm4_path): continue
        ihm4 = json.load(open(ihm4_path))
        log = open(os.path.join(out, name + '.log')).read().replace('\r', '\n')
        epochs = re.findall(r'epoch\s+(\d+)\s+steps\s+(\d+)\s+loss ([\d.]+)\s+val fMSE ([\d.]+) \(composite ([\d.]+)\)', log)
        best_row = min(epochs, key=lambda e: float(e[3]))
        cache = re.search(r'Feature cache ready: (\d+) train, (\d+) validation samples in (\d+) s', log)
        per_s = f"{(int(cache.group(1)) + int(cache.group(2))) / max(1, int(cache.group(3))):.1f}" if cache and int(cache.group(3)) > 0 else 'cached'
        best = re.search(r'Best epoch (\d+)', log)
        steps = re.findall(r'steps\s+(\d+)', log)
        rows.append((name, float(best_row[3]), float(best_row[4]),
                     ihm4['methodSummary']['overall']['fmse'], ihm4['composite']['overall']['fmse'],
                     per_s, steps[-1] if steps else '?', best.group(1) if best else '?'))
    print('| data-backbone-size | fMSE synth-v2 test (sampled, best epoch) | (composite) | fMSE ihm4-samples | (composite) | feature samples/s | steps | best epoch |')
    print('|---|---|---|---|---|---|---|---|')
    for r in rows:
        print(f'| {r[0]} | {r[1]:.1f} | {r[2]:.1f} | {r[3]:.1f} | {r[4]:.1f} | {r[5]} | {r[6]} | {r[7]} |')

main()
