# Independent check of harmonia eval reports: recomputes each sample of a --json report with PIL and skimage.
# Usage: python3 reference_check.py DATASET_ROOT REPORT.json harmonia|ihm4   (needs Pillow, numpy, scikit-image;
# checks the composite baseline; the ihm4 branch follows the iHarmony4 evaluation script step by step).
import json, sys, os, numpy as np
from PIL import Image
from skimage.metrics import peak_signal_noise_ratio as psnr, mean_squared_error as mse, structural_similarity as ssim
root = sys.argv[1]; rep = json.load(open(sys.argv[2])); proto = sys.argv[3]
worst = {}
for s in rep['samples']:
    sub, name = s['subset'], s['name']
    parts = name.split('_')
    comp = Image.open(f"{root}/{sub}/composite_images/{name}.jpg").convert('RGB')
    real = Image.open(f"{root}/{sub}/real_images/{'_'.join(parts[:-2])}.jpg").convert('RGB')
    maskimg = Image.open(f"{root}/{sub}/masks/{'_'.join(parts[:-1])}.png")
    if proto == 'ihm4':
        mask = maskimg.convert('L').point(lambda v: 255 if v >= 128 else 0).convert('1')
        comp = comp.resize((256, 256), Image.BICUBIC); real = real.resize((256, 256), Image.BICUBIC); mask = mask.resize((256, 256), Image.BICUBIC)
        h = np.array(comp, dtype=np.float32); r = np.array(real, dtype=np.float32); m = np.array(mask, dtype=np.float32)
        vals = dict(mse=mse(h, r), psnr=psnr(r, h, data_range=h.max() - h.min()))
        fore = m.sum(); vals['fmse'] = np.mean((h * m[..., None] - r * m[..., None]) ** 2) * 256 * 256 / fore
    else:
        h = np.array(comp, dtype=np.float64); r = np.array(real, dtype=np.float64); m = (np.array(maskimg.convert('L')) >= 128).astype(np.float64)
        e = (h - r) ** 2
        vals = dict(mse=e.mean(), psnr=10 * np.log10(255 ** 2 / e.mean()), fmse=(e * m[..., None]).sum() / (m.sum() * 3))
    vals['ssim'] = ssim(h.astype(np.float64), r.astype(np.float64), gaussian_weights=True, sigma=1.5, use_sample_covariance=False, channel_axis=2, data_range=255)
    ours = s['composite']
    diffs = {k: ours[k] - float(v) for k, v in vals.items()}
    print(sub, name, ' '.join(f"{k}={float(v):.4f}(d={diffs[k]:+.4f})" for k, v in vals.items()))
    for k, d in diffs.items():
        rel = abs(d) / max(1e-9, abs(float(vals[k])))
        worst[k] = max(worst.get(k, 0), rel)
print('max relative difference per metric:', {k: f"{v:.2e}" for k, v in worst.items()})
