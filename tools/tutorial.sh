#!/usr/bin/env bash
# PyTorch's CIFAR-10 tutorial, end to end: train ResNet18 for 2 epochs at batch 4, evaluate it,
# show a test batch with its predictions, and write an HTML report.
#   tools/tutorial.sh [--data PATH] [--out DIR] [more `tapenet train` options, e.g. --epochs 1]
# Data: --data, else ./data (a cifar-10-batches-bin/ folder or cifar-10-binary.tar.gz), else a
# download into ./data, else Fashion-MNIST from Debian's dataset-fashion-mnist, with a notice.
# TAPENET_BIN=path/to/tapenet skips the setup and the build (the tests use it).
set -euo pipefail
cd "$(dirname "$0")/.."

data="" out="runs/tutorial" train_options=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) train_options+=("$1"); shift ;;
  esac
done

bin=${TAPENET_BIN:-}
if [ -z "$bin" ]; then
  TAPENET_SETUP=${TAPENET_SETUP:-minimal} tools/setup.sh  # the tutorial needs no optional tool
  cmake --preset release >/dev/null
  cmake --build --preset release --target tapenet_cli
  bin=build/release/examples/cli/tapenet
fi

dataset=cifar10
if [ -z "$data" ]; then
  if [ -d data/cifar-10-batches-bin ] || [ -f data/cifar-10-binary.tar.gz ]; then
    data=data
  elif "$bin" download --data data; then
    data=data
  elif [ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
    echo "tutorial: CIFAR-10 is not in ./data and could not be downloaded; training on Fashion-MNIST"
    echo "          (Debian's dataset-fashion-mnist) instead. For CIFAR-10: --data PATH."
    data=/usr/share/datasets/fashion-mnist dataset=fashion-mnist
  else
    echo "tutorial: no data: put cifar-10-binary.tar.gz in ./data, or pass --data PATH" >&2
    exit 1
  fi
fi

echo "== training (data: $data) =="
"$bin" train --data "$data" --dataset "$dataset" --out "$out" "${train_options[@]}"
echo "== evaluating in eval mode, then as the tutorial's loop does (batch statistics) =="
"$bin" evaluate --data "$data" --dataset "$dataset" --weights "$out/model.safetensors"
"$bin" evaluate --data "$data" --dataset "$dataset" --weights "$out/model.safetensors" --batch-statistics | head -1
echo "== a test batch =="
"$bin" show-batch --data "$data" --dataset "$dataset" --weights "$out/model.safetensors" --png "$out/test_batch.png"
echo "report: $out/report.html"
