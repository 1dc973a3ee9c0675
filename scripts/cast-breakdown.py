#!/usr/bin/env python3
"""Which parts of a camera cast a method removes: fMSE on the HCast composites of a synthetic set, grouped by the
cast's drawn parameters (from the set's samples.jsonl), composite vs method.

Usage:  python3 scripts/cast-breakdown.py DATASET EVAL.json [EVAL2.json ...]
DATASET: a `harmonia dataset synth` output with a `cast` family; EVAL.json: `harmonia eval DATASET -m M --json F`
(the split evaluated is the split counted). Cells: mean fMSE and its change from the composite's. Groups, by |parameter| (exposure in EV, temperature and tint as drawn,
see docs/data.md "cast"): white balance only (|temperature| > 0.45, |exposure| < 0.4), exposure only (|exposure| > 1,
|temperature| < 0.2, |tint| < 0.15), tint only (|tint| > 0.3, |temperature| < 0.2, |exposure| < 0.4), all HCast.
"""
import json, sys

GROUPS = [
    ('white balance (temperature beyond ±0.45, exposure within ±0.4 EV)', lambda t, e, g: t > 0.45 and e < 0.4),
    ('exposure (beyond ±1 EV, temperature within ±0.2, tint within ±0.15)', lambda t, e, g: e > 1.0 and t < 0.2 and g < 0.15),
    ('tint (beyond ±0.3, temperature within ±0.2, exposure within ±0.4 EV)', lambda t, e, g: g > 0.3 and t < 0.2 and e < 0.4),
    ('all HCast', lambda t, e, g: True),
]


def main():
    if len(sys.argv) < 3: sys.exit(__doc__)
    dataset, evals = sys.argv[1], sys.argv[2:]
    params = {}
    with open(f'{dataset}/samples.jsonl') as f:
        for line in f:
            d = json.loads(line)
            if d['family'] != 'cast': continue
            p = d['parameters']
            params[d['composite'].rsplit('.', 1)[0]] = (abs(p['temperature']), abs(p['exposure']), abs(p.get('tint', 0.0)))
    reports = [json.load(open(p)) for p in evals]
    print('| group | n | composite | ' + ' | '.join(f"{r['method']} ({p.rsplit('/', 1)[-1]})" for r, p in zip(reports, evals)) + ' |')
    print('|---' * (3 + len(reports)) + '|')
    for name, keep in GROUPS:
        per_report, composite, n = [], None, 0
        for r in reports:
            rows = [s for s in r['samples'] if s['subset'] == 'HCast' and s['name'] in params and keep(*params[s['name']])]
            if not rows: break
            n = len(rows)
            composite = sum(s['composite']['fmse'] for s in rows) / n
            per_report.append(sum(s['method']['fmse'] for s in rows) / n)
        if not per_report or len(per_report) < len(reports):
            print(f'| {name} | 0 | – |' + ' – |' * len(reports)); continue
        cells = ' | '.join(f'{m:.0f} ({100 * (m / composite - 1):+.0f} %)' for m in per_report)
        print(f'| {name} | {n} | {composite:.0f} | {cells} |')


if __name__ == '__main__':
    main()
