#!/usr/bin/env python3
"""Print one Markdown comparison table from several `harmonia eval ... --json FILE` reports.

Usage:  python3 scripts/compare-evals.py [--metric fmse] [--by subsets|buckets] A.json B.json ...
Rows: the composite (from the first report) then each report's method. Columns: the overall mean and each subset
(or foreground-ratio bucket) of the chosen metric (mse, psnr, fmse, fpsnr, ssim, fssim). All reports must come from
the same dataset, split and protocol; the script refuses to mix them.
"""
import json, sys

def main():
    args = sys.argv[1:]
    metric, by = 'fmse', 'subsets'
    if '--metric' in args: i = args.index('--metric'); metric = args[i + 1]; del args[i:i + 2]
    if '--by' in args: i = args.index('--by'); by = args[i + 1]; del args[i:i + 2]
    if not args or by not in ('subsets', 'buckets'): sys.exit(__doc__)
    reports = [json.load(open(p)) for p in args]
    keys = {(r.get('dataset'), r.get('split'), r['protocol']) for r in reports}
    if len(keys) > 1: sys.exit(f'reports differ in dataset/split/protocol: {sorted(map(str, keys))}')
    first = reports[0]
    groups = [g['group'] for g in first['composite'][by]]
    digits = 4 if metric in ('ssim', 'fssim') else 2 if metric in ('psnr', 'fpsnr') else 1
    def row(name, summary):
        cells = {g['group']: g for g in summary[by]}
        values = [summary['overall']] + [cells.get(g) for g in groups]
        return f'| {name} | ' + ' | '.join('—' if v is None else f'{v[metric]:.{digits}f}' for v in values) + ' |'
    n = first['composite']['overall']['count']
    print(f"{metric} on {first.get('dataset')} (split {first.get('split')}, protocol {first['protocol']}, {n} pairs)\n")
    print('| method | all | ' + ' | '.join(f"{g} (n={c['count']})" for g, c in zip(groups, first['composite'][by])) + ' |')
    print('|---' * (len(groups) + 2) + '|')
    print(row('composite', first['composite']))
    for r in reports: print(row(r['method'], r['methodSummary']))

main()
