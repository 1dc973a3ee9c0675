#!/usr/bin/env python3
"""Novel-category split of a Harmonia synthetic set (CharmNet's experiment, issue #14; docs/methods/charmnet.md).

Writes OUT/<Subset>/ with symlinks to SRC/<Subset>/{composite_images,masks,real_images} and three lists built from
SRC/samples.jsonl ('semantic' and 'split' of every composite):
  <Subset>_basetrain.txt  training split, semantic class is not CLASS (the real training data of the experiment)
  <Subset>_base.txt       test split, not CLASS (base categories)
  <Subset>_novel.txt      test split, CLASS (the novel category)
  <Subset>_train.txt / <Subset>_test.txt  the source's lists (so the set still reads as the source)
Usage: novel-category-split.py SRC OUT [--class person]
"""
import json, os, sys
from collections import defaultdict

def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    cls = argv[argv.index("--class") + 1] if "--class" in argv else "person"
    if "--class" in argv: args.remove(cls)
    if len(args) != 2:
        sys.exit("usage: novel-category-split.py SRC OUT [--class person]")
    src, out = (os.path.abspath(a) for a in args)
    lists = defaultdict(list)
    with open(os.path.join(src, "samples.jsonl")) as f:
        for line in f:
            s = json.loads(line)
            novel = s["semantic"] == cls
            if s["split"] == "train":
                if not novel: lists[(s["subset"], "basetrain")].append(s["composite"])
            else:
                lists[(s["subset"], "novel" if novel else "base")].append(s["composite"])
    subsets = sorted({k[0] for k in lists})
    for subset in subsets:
        d = os.path.join(out, subset)
        os.makedirs(d, exist_ok=True)
        for folder in ("composite_images", "masks", "real_images"):
            link = os.path.join(d, folder)
            if not os.path.lexists(link): os.symlink(os.path.join(src, subset, folder), link)
        for split in ("train", "test"):
            link = os.path.join(d, f"{subset}_{split}.txt")
            if not os.path.lexists(link): os.symlink(os.path.join(src, subset, f"{subset}_{split}.txt"), link)
        for split in ("basetrain", "base", "novel"):
            names = sorted(lists[(subset, split)])
            with open(os.path.join(d, f"{subset}_{split}.txt"), "w") as f:
                f.writelines(n + "\n" for n in names)
            print(f"{subset} {split}: {len(names)}")

main(sys.argv[1:])
