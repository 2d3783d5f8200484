#!/usr/bin/env bash
# A ResNet18 state dict goes from torchvision to tapenet and back, and both frameworks must compute
# the same logits from it. Skipped (exit 77) where Debian's PyTorch and torchvision are missing.
set -euo pipefail
roundtrip_bin=$1 source_dir=$2 work=$3
/usr/bin/python3 -c "import torchvision" 2>/dev/null || {
  echo "skipped: the round trip needs Debian's PyTorch (apt-get install python3-torchvision)"
  exit 77
}
export_script="$source_dir/tools/torch_reference/export_resnet18.py"
mkdir -p "$work"
/usr/bin/python3 "$export_script" "$work/from_torch.safetensors" --seed 7 > "$work/torch.txt"
"$roundtrip_bin" "$work/from_torch.safetensors" "$work/to_torch.safetensors" > "$work/tapenet.txt"
/usr/bin/python3 "$export_script" --check "$work/to_torch.safetensors" >> "$work/torch.txt"
/usr/bin/python3 - "$work/torch.txt" "$work/tapenet.txt" <<'PY'
import sys
torch_lines, tapenet_lines = (open(p).read().split("\n")[:2] for p in sys.argv[1:])
for what, a, b in zip(("loaded from PyTorch", "saved for PyTorch"), torch_lines, tapenet_lines):
    a, b = [float(v) for v in a.split()], [float(v) for v in b.split()]
    scale = max(abs(v) for v in a)
    worst = max(abs(x - y) for x, y in zip(a, b)) / scale
    print(f"{what}: {len(a)} logits, largest difference {worst:.2e} of the largest logit")
    if len(a) != len(b) or worst > 1e-4:
        sys.exit(f"logits differ: {a} vs {b}")
PY
