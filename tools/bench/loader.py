#!/usr/bin/python3
"""The CIFAR-10 data loader: tapenet beside PyTorch, same machine, same run.

    tools/bench/loader.py [--archive PATH] [--threads 2] [--torch-python PYTHON] [--quick]

1. One training epoch (50,000 images, shuffled) through each loader, at batch 4 and 128, with
   ToTensor + Normalize and with augmentation (RandomCrop(32, 4) + RandomHorizontalFlip), two
   workers: tapenet's DataLoader (threads) and torch.utils.data.DataLoader over
   torchvision.datasets.CIFAR10 (processes). ratio = PyTorch's time / tapenet's (above 1: tapenet
   is faster). PyTorch reads the Python release of CIFAR-10, which this script writes once from the
   binary archive into a temporary folder.
2. What the loader costs a training epoch: ResNet18 training steps fed by the loader against the
   same steps fed one fixed batch (alternating rounds), and the loader's whole work done serially
   (num_workers = 0) as a share of the training epoch's time. The target is under 5%.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools", "torch_reference"))
from cifar_python import write_python_release, TorchvisionCIFAR10  # noqa: E402
DEFAULT_ARCHIVE = os.path.join(ROOT, "..", "shared", "data", "cifar-10-binary.tar.gz")


def torch_epoch(folder, batch, workers, augment, threads):
    """Runs in its own process: one epoch of the tutorial's loader in PyTorch."""
    import torch
    import torchvision
    import torchvision.transforms as T
    torch.set_num_threads(threads)

    steps = [T.ToTensor(), T.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))]
    if augment:
        steps = [T.RandomCrop(32, padding=4), T.RandomHorizontalFlip()] + steps
    start = time.perf_counter()
    train = TorchvisionCIFAR10(torchvision)(root=folder, train=True, download=False, transform=T.Compose(steps))
    print(f"load_seconds {time.perf_counter() - start}")
    loader = torch.utils.data.DataLoader(train, batch_size=batch, shuffle=True, num_workers=workers)
    start = time.perf_counter()
    checksum = 0.0
    for inputs, labels in loader:
        checksum += float(inputs[0, 0, 0, 0]) + float(labels[0])
    print(f"epoch_seconds {time.perf_counter() - start}")


def run(command, env=None):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"loader.py: {' '.join(command)} failed:\n{result.stderr}")
    return {k: float(v) for k, v in (line.split(" ", 1) for line in result.stdout.strip().split("\n"))}


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        folder, batch, workers, augment, threads = sys.argv[2], *map(int, sys.argv[3:7])
        return torch_epoch(folder, batch, workers, augment, threads)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", default=os.environ.get("TAPENET_CIFAR10", DEFAULT_ARCHIVE))
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "release", "tools", "bench", "bench_loader"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--torch-python", default="/usr/bin/python3")
    parser.add_argument("--quick", action="store_true", help="batch 128 only, fewer training steps")
    args = parser.parse_args()
    if not os.path.exists(args.archive):
        sys.exit(f"loader.py: no CIFAR-10 archive at {args.archive} (pass --archive)")
    if not os.path.exists(args.binary):
        subprocess.run(["cmake", "--preset", "release"], cwd=ROOT, check=True, capture_output=True)
        subprocess.run(["cmake", "--build", "--preset", "release", "--target", "bench_loader"], cwd=ROOT, check=True)
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    batches = [128] if args.quick else [4, 128]

    with tempfile.TemporaryDirectory() as folder:
        write_python_release(args.archive, folder)
        print("1. one training epoch (50,000 images), 2 workers; seconds (ratio = PyTorch / tapenet)")
        for batch in batches:
            for augment in (0, 1):
                ours = run([args.binary, "epoch", args.archive, str(batch), "2", str(augment)], env)
                torch = run([args.torch_python, __file__, "--worker", folder, str(batch), "2", str(augment),
                             str(args.threads)], env)
                label = "augmented" if augment else "ToTensor+Normalize"
                print(f"  batch {batch:3d} {label:18s} tapenet {ours['epoch_seconds']:6.2f}  "
                      f"PyTorch {torch['epoch_seconds']:6.2f}  ratio {torch['epoch_seconds'] / ours['epoch_seconds']:5.1f}"
                      f"   (reading the dataset: tapenet {ours['load_seconds']:.2f}, PyTorch {torch['load_seconds']:.2f})")

    print("2. the loader's cost in a ResNet18 training epoch (2 threads)")
    for batch in batches:
        steps = {4: 120, 128: 6}[batch] if not args.quick else 6
        serial = run([args.binary, "epoch", args.archive, str(batch), "0", "0"], env)
        overheads, step_seconds = [], []
        for _ in range(3):
            train = run([args.binary, "train", args.archive, str(batch), "2", str(steps), str(args.threads)], env)
            overheads.append(100 * (train["loader_fed_seconds"] / train["fixed_batch_seconds"] - 1))
            step_seconds.append(train["fixed_batch_seconds"] / steps)
        epoch_seconds = sorted(step_seconds)[1] * 50000 / batch
        print(f"  batch {batch:3d}: training epoch ~{epoch_seconds:4.0f} s; the loader's work done serially "
              f"{serial['epoch_seconds']:.2f} s = {100 * serial['epoch_seconds'] / epoch_seconds:.2f}% of it; "
              f"steps fed by the 2-worker loader vs one fixed batch: "
              f"{' / '.join(f'{o:+.1f}%' for o in overheads)} (3 runs)")

if __name__ == "__main__":
    main()
