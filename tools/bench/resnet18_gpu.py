#!/usr/bin/env python3
"""ResNet18 (the tutorial's network) on a GPU: tapenet beside PyTorch eager, same machine, same run.

    tools/bench/resnet18_gpu.py --binary build/gpu/bench_resnet18_gpu [--quick]

Each workload runs in a fresh process: training steps (zero_grad, forward, loss, backward, SGD with
momentum) at batch 4 and 128, inference at batch 256, and the most device memory held during the
batch-128 training run. PyTorch runs twice: in plain FP32 (cudnn.allow_tf32 = False), as tapenet
computes by default, and with its defaults (TF32 convolutions on Hopper). ratio = tapenet / PyTorch
FP32 (above 1: tapenet is faster; for memory, below 1: tapenet uses less).
"""
import argparse
import subprocess
import sys

WORKLOADS = [("train", 4, 300), ("train", 128, 40), ("infer", 256, 40)]


def torch_worker(mode, batch, steps, tf32):
    import torch
    from resnet18 import time_torch_resnet18
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32
    print(f"images_per_second {time_torch_resnet18(mode, batch, steps, device='cuda')}")
    print(f"peak_device_bytes {torch.cuda.max_memory_reserved()}")
    print(f"version {torch.__version__}")


def measure(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"resnet18_gpu.py: {' '.join(command)} failed:\n{result.stderr}")
    return {k: v for k, v in (line.split(" ", 1) for line in result.stdout.strip().split("\n"))}


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        return torch_worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "tf32")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="bench_resnet18_gpu, built by nvcc")
    parser.add_argument("--quick", action="store_true", help="fewer steps, for a smoke test")
    args = parser.parse_args()
    print("| workload | tapenet img/s | PyTorch FP32 img/s | PyTorch TF32 img/s | ratio (FP32) | ratio (TF32) |")
    print("| --- | --- | --- | --- | --- | --- |")
    memory = None
    for mode, batch, steps in WORKLOADS:
        steps = max(3, steps // 10) if args.quick else steps
        ours = measure([args.binary, mode, str(batch), str(steps), "1", "cuda"])
        fp32 = measure([sys.executable, __file__, "--worker", mode, str(batch), str(steps), "fp32"])
        tf32 = measure([sys.executable, __file__, "--worker", mode, str(batch), str(steps), "tf32"])
        rate = {name: float(m["images_per_second"]) for name, m in (("ours", ours), ("fp32", fp32), ("tf32", tf32))}
        print(f"| {'training step' if mode == 'train' else 'inference'}, batch {batch} | {rate['ours']:.0f} | "
              f"{rate['fp32']:.0f} | {rate['tf32']:.0f} | {rate['ours'] / rate['fp32']:.2f} | "
              f"{rate['ours'] / rate['tf32']:.2f} |", flush=True)
        if (mode, batch) == ("train", 128):
            memory = [int(m["peak_device_bytes"]) for m in (ours, fp32, tf32)]
    if memory:
        mib = [m / 2**20 for m in memory]
        print(f"| peak device memory, training at batch 128 (MiB) | {mib[0]:.0f} | {mib[1]:.0f} | {mib[2]:.0f} | "
              f"{memory[0] / memory[1]:.2f} | {memory[0] / memory[2]:.2f} |")
    print(f"PyTorch {fp32['version']}")


if __name__ == "__main__":
    main()
