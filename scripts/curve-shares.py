#!/usr/bin/env python3
"""Summarise curves written by `harmonia harmonize ... --curves-out FILE.json` (s2crnet, pih): per stage and channel,
the share of the curve's mass in its first and last level (the identity has 1/L in each) and where some 8-bit inputs
land. A large last-level share means the curve darkens everything below the top level and then jumps to 255.

Usage: python3 scripts/curve-shares.py CURVES.json [CURVES.json ...]
"""
import json, sys

INPUTS = (32, 64, 128, 192, 224, 240, 250)

for path in sys.argv[1:]:
    curves = json.load(open(path))
    for c in curves['curves']:
        p, table = c['p'], c['sampled_256']
        total = sum(p)
        points = ' '.join(f'{x}->{table[x] * 255:.0f}' for x in INPUTS)
        print(f"{path} stage {c['stage']} {c['channel']}: first level {p[0] / total:.3f}, last level {p[-1] / total:.3f} "
              f"(identity {1 / len(p):.3f}); {points}")
