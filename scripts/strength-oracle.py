#!/usr/bin/env python3
"""How much a per-image strength could gain: the best strength of every image, from two `harmonia eval --json` reports.

Usage:  python3 scripts/strength-oracle.py FULL.json PARTIAL.json
FULL is a report at strength 1 (the default), PARTIAL the same method on the same images with `--strength s`
(0 < s < 1; its `strength` field says which). Blending colours toward the composite makes an image's fMSE a
quadratic in the strength t: fMSE(t) = A + 2·B·t + C·t², with A the composite's fMSE (t = 0) and the two reports
giving the other two points (exact up to the renderer's rounding to bytes). Prints the mean fMSE at t = 1, at the best
constant t, with every image at its own best t in [0, 1], [0, 1.5] and [0, 2] (an oracle: it needs the ground truth),
and the median best t per bucket of the composite's fMSE. Reading: a method that regresses to the mean changes mild
composites too much (best t < 1) and strong ones too little (best t > 1).
"""
import json, sys

def main():
    if len(sys.argv) != 3: sys.exit(__doc__)
    full, part = (json.load(open(p)) for p in sys.argv[1:])
    s = part.get('strength')
    if not s or not 0 < s < 1 or full.get('strength', 1) != 1: sys.exit('need a report at strength 1 and one at 0 < strength < 1')
    if (full.get('dataset'), full.get('split'), full['protocol'], full['method']) != (part.get('dataset'), part.get('split'), part['protocol'], part['method']):
        sys.exit('reports differ in dataset, split, protocol or method')
    other = {(x['subset'], x['name']): x for x in part['samples'] if x.get('method')}
    quads = []
    for x in full['samples']:
        y = other.get((x['subset'], x['name']))
        if not x.get('method') or not y: continue
        a, f1, fs = x['composite']['fmse'], x['method']['fmse'], y['method']['fmse']
        # f1 = a + 2b + c and fs = a + 2bs + cs²  ->  c·(s² - s) = fs - a - s·(f1 - a)
        c = (fs - a - s * (f1 - a)) / (s * s - s)
        b = (f1 - a - c) / 2
        quads.append((a, b, c))
    n = len(quads)
    def mean_at(t): return sum(a + 2 * b * t(a, b, c) + c * t(a, b, c) ** 2 for a, b, c in quads) / n
    def best(hi): return lambda a, b, c: min(hi, max(0.0, -b / c)) if c > 0 else (hi if a + 2 * b * hi + c * hi * hi < a else 0.0)
    print(f"{n} images; {full['method']} on {full.get('dataset')} ({full.get('split')}); second report at strength {s}")
    print(f"  composite (t = 0)           {mean_at(lambda *_: 0.0):9.1f}")
    print(f"  method (t = 1)              {mean_at(lambda *_: 1.0):9.1f}")
    ts = [i / 20 for i in range(41)]
    tc = min(ts, key=lambda t: mean_at(lambda *_: t))
    print(f"  {f'best constant t = {tc:.2f}':27} {mean_at(lambda *_: tc):9.1f}")
    for hi in (1.0, 1.5, 2.0):
        print(f"  {f'per-image best t in [0,{hi:g}]':27} {mean_at(best(hi)):9.1f}   (oracle)")
    print("  composite fMSE bucket   n   median best t   composite   method")
    for lo, hi in ((0, 300), (300, 1000), (1000, 3000), (3000, float('inf'))):
        q = [(a, b, c) for a, b, c in quads if lo <= a < hi]
        if not q: continue
        ts_ = sorted(-b / c if c > 0 else 0.0 for a, b, c in q)
        print(f"  {lo:>5}-{hi:<8} {len(q):5} {ts_[len(ts_) // 2]:15.2f} {sum(a for a, _, _ in q) / len(q):11.1f} {sum(a + 2 * b + c for a, b, c in q) / len(q):8.1f}")

if __name__ == '__main__':
    main()
