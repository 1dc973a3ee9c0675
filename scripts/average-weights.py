#!/usr/bin/env python3
"""Average the tensors of several safetensors files of one architecture (a uniform "model soup").

usage: scripts/average-weights.py OUT.safetensors A.safetensors B.safetensors [C.safetensors ...]

Fine-tuned continuations of one network usually sit in one basin of the loss, where the mean of their weights is a
network at least as good as the members (Wortsman et al. 2022, "Model soups"); averaging costs no inference time,
unlike averaging outputs. Floating-point tensors (F32, F64) are averaged in float64 and written in their own type;
integer tensors (counters such as batch norm's num_batches_tracked, which inference does not read) are taken from the
first file. The header, including the metadata of the
first file, is kept, so the result loads wherever the first file does. Standard library only (no numpy).
"""
import array
import json
import struct
import sys

FLOAT_CODES = {"F32": "f", "F64": "d"}


def read(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    return header, data


def main(argv):
    if len(argv) < 4:
        sys.exit("usage: average-weights.py OUT.safetensors A.safetensors B.safetensors [...]")
    out, inputs = argv[1], argv[2:]
    if out in inputs:
        sys.exit("average-weights.py: the output must not be one of the inputs")
    files = [read(p) for p in inputs]
    header, _ = files[0]
    names = sorted(k for k in header if k != "__metadata__")
    for path, (h, _) in zip(inputs[1:], files[1:]):
        other = sorted(k for k in h if k != "__metadata__")
        if other != names:
            sys.exit(f"average-weights.py: {path} has other tensors than {inputs[0]}")
        for k in names:
            if (h[k]["dtype"], h[k]["shape"]) != (header[k]["dtype"], header[k]["shape"]):
                sys.exit(f"average-weights.py: {path}: tensor {k} differs in type or shape")
    blobs = {}
    for k in names:
        dtype = header[k]["dtype"]
        parts = []
        for h, data in files:
            a, b = h[k]["data_offsets"]
            parts.append(data[a:b])
        if dtype in FLOAT_CODES:
            code = FLOAT_CODES[dtype]
            arrays = [array.array(code, p) for p in parts]
            mean = array.array(code, (sum(v) / len(v) for v in zip(*arrays)))
            blobs[k] = mean.tobytes()
        else:
            blobs[k] = parts[0]
    # Same order and offsets as the first file's header, so the layout is a valid safetensors file.
    order = sorted(names, key=lambda k: header[k]["data_offsets"][0])
    new_header = {}
    if "__metadata__" in header:
        new_header["__metadata__"] = header["__metadata__"]
    offset = 0
    for k in order:
        size = len(blobs[k])
        new_header[k] = {"dtype": header[k]["dtype"], "shape": header[k]["shape"], "data_offsets": [offset, offset + size]}
        offset += size
    encoded = json.dumps(new_header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for k in order:
            f.write(blobs[k])
    print(f"Wrote {out}: mean of {len(inputs)} files, {len(names)} tensors.")


if __name__ == "__main__":
    main(sys.argv)
