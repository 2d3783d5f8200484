#!/usr/bin/python3
"""Writes a torchvision ResNet18's state dict as safetensors, which tapenet loads.

    /usr/bin/python3 tools/torch_reference/export_resnet18.py OUT.safetensors [--classes 10] [--seed 0]
    /usr/bin/python3 tools/torch_reference/export_resnet18.py --check FILE.safetensors

The format is written directly (8-byte header length, JSON header, raw little-endian data), so
no package beyond PyTorch is needed. --check goes the other way: it reads a file tapenet saved
into torchvision's resnet18 with load_state_dict(strict=True) and prints the logits for a fixed
input, so the two can be compared.
"""
import argparse
import json
import struct

import torch
import torchvision

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
TORCH_DTYPES = {v: k for k, v in DTYPES.items()}


def save_safetensors(state_dict, path):
    header, chunks, offset = {}, [], 0
    for name, t in state_dict.items():
        data = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text.encode())
        for chunk in chunks:
            f.write(chunk)


def load_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        data = bytearray(blob[8 + n + begin:8 + n + end])
        out[name] = torch.frombuffer(data, dtype=TORCH_DTYPES[entry["dtype"]]).reshape(entry["shape"]).clone()
    return out


def fixed_input():
    return torch.linspace(-1, 1, 2 * 3 * 32 * 32).reshape(2, 3, 32, 32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="load PATH into torchvision instead")
    args = parser.parse_args()
    net = torchvision.models.resnet18(num_classes=args.classes)
    if args.check:
        net.load_state_dict(load_safetensors(args.path), strict=True)
    else:
        torch.manual_seed(args.seed)
        net = torchvision.models.resnet18(num_classes=args.classes)
        save_safetensors(net.state_dict(), args.path)
    net.eval()
    with torch.no_grad():
        logits = net(fixed_input())
    print(" ".join("%.6g" % v for v in logits.reshape(-1).tolist()))


if __name__ == "__main__":
    main()
