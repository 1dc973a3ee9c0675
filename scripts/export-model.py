#!/usr/bin/env python3
"""Ship a training run: copy its weights to models/ and write the model card next to them.

Usage (from the repo root):
  python3 scripts/export-model.py METHOD RUN_DIR [--weights best|generator] [--out out] [--script run.sh] [--note TEXT] [--name FILE_STEM]
      [--eval NAME=EVAL.json ...] [--metadata KEY=VALUE ...]
METHOD is s2crnet (-> models/s2crnet-c.safetensors, embedded), phnet or charmnet (-> models/NAME.safetensors, copied
beside the binaries). RUN_DIR is the folder holding the launcher script (--script, default run.sh) and the trainer's output folder
(--out, default out), e.g. /work/runs/s2crnet-c. --eval adds the metrics of a
`harmonia eval ... --json EVAL.json` run under evaluation.NAME. The weights file already carries the
model configuration in its safetensors metadata (the harmonizer rebuilds the model from it); the card records the
configuration, the exact training command, the dataset manifest's command and the subsets the run read, steps, wall time and the validation rows
of the run's val.csv. --metadata overrides a metadata entry of the shipped copy (e.g. phnet.working_size=160 when the
inference size was chosen on a validation split after training); the card records the trained and shipped values.
Rebuild afterwards (dotnet build) so Harmonia.Models embeds the new file.
"""
import csv, json, os, shutil, struct, sys

def metadata(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        return json.loads(f.read(n)).get('__metadata__', {})

METHODS = {
    's2crnet': {
        'file': 's2crnet-c',
        'paper': 'Liang, Cun, Pun. Spatial-Separated Curve Rendering Network for Efficient and High-Resolution Image Harmonization. AAAI 2022',
        'parameter_names': 'official PyTorch state dict (squeezenet1_1.N.*, fusion.crK.*)',
        'variant': lambda meta: 'S2CRNet-C' if meta.get('semantic') != 'true' else 'S2CRNet-CS',
        'choices': lambda meta: ({
            'backbone': 'ImageNet ResNet-18 (CNTK export from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, MIT), frozen; not in the paper (SqueezeNet / VGG variants there). The file holds the heads only; the encoder is converted from the restored ONNX at load',
            'features': 'pyramid: pooled features of all four ResNet stages' + (' + colour statistics (per-channel mean, std, 8-bin histogram) of each input' if meta.get('color_stats') == 'true' else ''),
            'heads': 'hidden layer of width ' + meta.get('hidden', '0') + ' (fc_f_1 + fc_b_1 -> ReLU -> fc_out); official: linear',
            'training': 'harmonia train s2crnet-cached: features computed once per sample through the inference input path, loss on 2048 sampled full-resolution foreground pixels (unbiased estimate of the official relative L1), AdamW, cosine, best epoch on the validation subset',
            'training_size': 'input_size in config: fg crop and bg thumbnails (official 256)',
            'curve_activation': 'softplus (p > 0, monotone curves, heads initialised so every curve starts as the identity); official code uses raw p',
        } if meta.get('backbone') in ('resnet18', 'none') else {
            'training_size': 'input_size in config: fg crop and bg are resized to it (official 256); trained smaller for the CPU budget',
            'adversarial': 'off: measured on this shared 2-core machine the LSGAN discriminator (k5 s2 convs 64..512) cut samples/s ~3x (bench: s2crnet --train)',
            'curve_activation': 'softplus (p > 0, monotone curves, heads initialised so every curve starts as the identity); official code uses raw p',
            'backbone_init': 'squeezenet1.1-trunk-snacks.onnx (MIT, Caffe layout folded into conv1) when --init-backbone is in the command',
        }),
    },
    'phnet': {
        'file': 'phnet',
        'paper': 'Efremyan, Karpova, Sogomonian, Kirillova, Karaev. PHNet: Patch-based Normalization for Portrait Harmonization. ICIP 2024',
        'parameter_names': 'official PyTorch state dict (encoder.N.*, decoder.N.*, skip.N.*, normalizers.N.*, SE_block.*, feature_extractor.*)',
        'variant': lambda meta: 'PHNet width ' + meta.get('phnet.encoder_channels', '?') + ', ' + meta.get('phnet.output', 'sigmoid') + ' output',
        'choices': {
            'training_size': 'phnet.working_size: the network runs at this long side (official 512); the change is carried to full resolution by local affine colour models',
            'width': 'encoder channels divided by --width (official 3,16,...,512) to train to convergence on 2 CPU cores',
            'output': 'residual (image + d, last layer zero-initialised: starts at the identity); official sigmoid(d). A sigmoid run stayed worse than the composite within this budget',
            'stages': 'paper stages 1 (no PFE), 2 (PFE, encoder frozen), 3 (all) switched by epoch inside one run with one cosine schedule (--stage-epochs)',
        },
    },
    'charmnet': {
        'file': 'charmnet',
        'paper': 'Cao, Cong, Niu. Deep Image Harmonization by Bridging the Reality Gap. BMVC 2022 (RdHarmony + CharmNet; official code bcmi/Rendered-Image-Harmonization-Dataset-RdHarmony, CharmNet/)',
        'parameter_names': 'official names: G.{render_enc,real_enc,encoder_blocks,deconv_blocks,real_dec,render_dec}.*, SC1.net.*, SC2.net.* (the domain discriminator is not shipped)',
        'variant': lambda meta: 'CharmNet ngf ' + meta.get('charmnet.width', '?') + ', depth ' + meta.get('charmnet.depth', '?') + ', setup ' + meta.get('charmnet.setup', '?'),
        'choices': {
            'width': 'ngf 32 (official 64), sized for 2 CPU cores',
            'padding': 'every block pads by 1 (inputs are multiples of 128); official pads the deepest block by 0 for 256-px inputs',
            'style_classifier_pool': 'global max pool before the last convolution (official 4x4 pool, 1x1 only at 256 px)',
            'batchnorm_elu': 'Runtime/ScalarSafeBatchNorm2d and ScalarSafeElu (same maths and names) against the TorchSharp Scalar race',
            'inference': 'real-domain path at charmnet.working_size; its change is carried to full resolution by local affine colour models',
        },
    },
}

def parameter_count(path):
    """Trainable parameters: every tensor except BatchNorm running statistics."""
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
    total = 0
    for key, value in header.items():
        if key == '__metadata__' or 'running_' in key or 'num_batches' in key: continue
        count = 1
        for d in value['shape']: count *= d
        total += count
    return total

def copy_with_metadata(source, destination, changes):
    """Copies a safetensors file, replacing metadata entries; tensor bytes and offsets are unchanged."""
    with open(source, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    header.setdefault('__metadata__', {}).update(changes)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)   # keep the data 8-byte aligned, as safetensors writers do
    with open(destination, 'wb') as f:
        f.write(struct.pack('<Q', len(text))); f.write(text); f.write(data)

def main():
    args = sys.argv[1:]
    if len(args) < 2 or args[0] not in METHODS: sys.exit(__doc__)
    spec = METHODS[args.pop(0)]
    run = args[0]
    which = args[args.index('--weights') + 1] if '--weights' in args else 'best'
    note = args[args.index('--note') + 1] if '--note' in args else ''
    out = os.path.join(run, args[args.index('--out') + 1] if '--out' in args else 'out')
    script = args[args.index('--script') + 1] if '--script' in args else 'run.sh'
    weights = os.path.join(out, f'{which}.safetensors')
    if not os.path.exists(weights): sys.exit(f'no {weights}')
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    models = os.path.join(repo, 'models'); os.makedirs(models, exist_ok=True)
    meta = metadata(weights)
    rows = list(csv.DictReader(open(os.path.join(out, 'val.csv')))) if os.path.exists(os.path.join(out, 'val.csv')) else []
    log = list(csv.DictReader(open(os.path.join(out, 'log.csv')))) if os.path.exists(os.path.join(out, 'log.csv')) else []
    cached = bool(log) and 'epoch' in log[0] and 'val_fmse' in log[0]   # harmonia train s2crnet-cached
    if cached: rows = log
    step_key = 'steps' if cached else 'step'
    step = int(meta.get('step', meta.get('steps', log[-1][step_key] if log else 0)))
    chosen = next((r for r in rows if int(r[step_key]) == step), rows[-1] if rows else None)
    wall_key = 'seconds' if cached else 'wall_s'
    cmd = open(os.path.join(run, script)).read() if os.path.exists(os.path.join(run, script)) else ''
    data_dir = next((t for t in cmd.split() if t.startswith('/work/data/')), None)
    manifest = {}
    if data_dir and os.path.exists(os.path.join(data_dir, 'manifest.json')):
        m = json.load(open(os.path.join(data_dir, 'manifest.json')))
        manifest = {k: m.get(k) for k in ('name', 'command', 'samples', 'photos')}
        # The subsets the run actually read: a training root may hold only some of a built set's subsets.
        manifest['root'] = data_dir
        manifest['subsets_used'] = sorted(d for d in os.listdir(data_dir) if os.path.isdir(os.path.join(data_dir, d)))
        def count(subset, split):
            path = os.path.join(data_dir, subset, f'{subset}_{split}.txt')
            return sum(1 for line in open(path) if line.strip()) if os.path.exists(path) else 0
        manifest['samples_in_subsets_used'] = {split: sum(count(d, split) for d in manifest['subsets_used']) for split in ('train', 'test')}
    evaluation = {}
    for i, a in enumerate(args):
        if a == '--eval':
            name, path = args[i + 1].split('=', 1)
            report = json.load(open(path))   # the aggregates only; per-sample rows stay in the report
            evaluation[name] = {k: report.get(k) for k in ('dataset', 'split', 'protocol', 'method', 'methodSummary', 'composite')}
    name = args[args.index('--name') + 1] if '--name' in args else spec['file']
    changes = dict(args[i + 1].split('=', 1) for i, a in enumerate(args) if a == '--metadata')
    changed = {k: {'trained': meta.get(k), 'shipped': v} for k, v in changes.items()}
    meta = {**meta, **changes}
    card = {
        'method': meta.get('method', sys.argv[1]),
        'variant': spec['variant'](meta),
        'paper': spec['paper'],
        'config': meta,
        'parameters': parameter_count(weights),
        'weights': {'file': f'models/{name}.safetensors', 'source': weights, 'which': which, 'bytes': os.path.getsize(weights)},
        'parameter_names': spec['parameter_names'],
        'training': {
            'command': ' '.join(l.strip().rstrip('\\') for l in cmd.splitlines() if l.strip() and not l.startswith('#') and not l.startswith('cd ')),
            'steps': step,
            'wall_seconds': float(chosen[wall_key]) if chosen else (float(log[-1][wall_key]) if log else None),
            'last_logged_step': int(log[-1][step_key]) if log else None,
            'last_logged_train_loss': float(log[-1]['train_loss' if cached else 'loss']) if log else None,
        },
        'data': manifest,
        'validation': {
            'split': ('seeded subset of the test split (val-limit images); fMSE estimated on 2048 sampled foreground pixels per image at full resolution'
                      if cached else 'test split of the training dataset (val-limit images, trainer validation at the training size)'),
            'chosen_row': chosen,
            'all_rows': rows,
        },
        'choices': spec['choices'](meta) if callable(spec['choices']) else spec['choices'],
        'evaluation': evaluation,
        'note': note,
    }
    if changed: card['metadata_changed_at_export'] = changed
    if changes: copy_with_metadata(weights, os.path.join(models, f'{name}.safetensors'), changes)
    else: shutil.copyfile(weights, os.path.join(models, f'{name}.safetensors'))
    card['weights']['bytes'] = os.path.getsize(os.path.join(models, f'{name}.safetensors'))
    with open(os.path.join(models, f'{name}.card.json'), 'w') as f: json.dump(card, f, indent=2); f.write('\n')
    print(f"wrote models/{name}.safetensors ({os.path.getsize(os.path.join(models, f'{name}.safetensors'))} bytes, step {step}) and models/{name}.card.json")

main()
