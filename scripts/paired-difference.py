#!/usr/bin/env python3
"""Paired difference of two `harmonia eval ... --json` reports on the same images, with a bootstrap interval.

Usage:  python3 scripts/paired-difference.py [--metric fmse] [--resamples 2000] [--seed 1] A.json B.json
Prints mean(B) - mean(A) of the per-image metric over the images both reports scored, its relative size, the
share of images where B is lower, and a 95 % percentile bootstrap interval of the mean difference (images resampled
with replacement). One seed of one training run each: the interval covers image sampling, not training noise.
"""
import json, random, sys

def main():
    args = sys.argv[1:]
    opts = {'--metric': 'fmse', '--resamples': '2000', '--seed': '1'}
    for k in list(opts):
        if k in args: i = args.index(k); opts[k] = args[i + 1]; del args[i:i + 2]
    if len(args) != 2: sys.exit(__doc__)
    metric, n_boot = opts['--metric'], int(opts['--resamples'])
    a, b = (json.load(open(p)) for p in args)
    if (a.get('dataset'), a.get('split'), a['protocol']) != (b.get('dataset'), b.get('split'), b['protocol']):
        sys.exit('reports differ in dataset, split or protocol')
    va = {(s['subset'], s['name']): s['method'][metric] for s in a['samples'] if s.get('method')}
    vb = {(s['subset'], s['name']): s['method'][metric] for s in b['samples'] if s.get('method')}
    keys = sorted(set(va) & set(vb))
    d = [vb[k] - va[k] for k in keys]
    n = len(d)
    mean = sum(d) / n
    rng = random.Random(int(opts['--seed']))
    boots = sorted(sum(d[rng.randrange(n)] for _ in range(n)) / n for _ in range(n_boot))
    lo, hi = boots[int(0.025 * n_boot)], boots[int(0.975 * n_boot) - 1]
    base = sum(va[k] for k in keys) / n
    lower = sum(1 for x in d if x < 0) / n
    print(f'{metric}: {n} images, A {base:.1f}, B {base + mean:.1f}, B - A {mean:+.1f} ({100 * mean / base:+.1f} %), '
          f'95 % bootstrap [{lo:+.1f}, {hi:+.1f}], B lower on {100 * lower:.0f} % of images')

main()
