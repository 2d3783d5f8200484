#!/usr/bin/python3
"""ResNet18 (the tutorial's network) on the CPU: tapenet beside PyTorch, same machine, same run.

    tools/bench/resnet18.py [--threads 2] [--torch-python /path/to/venv/bin/python] [--quick]

Builds the release preset's bench_resnet18 when it is missing. Each workload runs in a fresh
process: training steps (zero_grad, forward, loss, backward, SGD with momentum) at batch 4, 32
and 128, inference at batch 4 and 256, and the peak resident memory of 20 training steps at batch
128. PyTorch runs as Debian's 1.13 with its default OpenBLAS, again with OPENBLAS_CORETYPE=SkylakeX
(Debian's OpenBLAS misdetects this CPU), and as the release from PyPI when --torch-python names a
Python that has it. Each line gives ratio = tapenet / the faster of the two Debian runs (the
project's targets are set against it; above 1 means tapenet is faster, and for memory below 1
means tapenet uses less), and pypi_ratio = tapenet / PyPI's release.
"""
import argparse
import os
import subprocess
import sys
import time

WORKLOADS = [("train", 4, 30), ("train", 32, 6), ("train", 128, 3), ("infer", 4, 60), ("infer", 256, 3)]
RSS_STEPS = 20


def time_torch_resnet18(mode, batch, steps, device="cpu"):
    """Images per second of the workload in PyTorch, after two warm-up steps (also used by resnet18_gpu.py)."""
    import torch
    import torchvision
    torch.manual_seed(0)
    net = torchvision.models.resnet18()
    net.fc = torch.nn.Linear(net.fc.in_features, 10)
    net.to(device)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    images = torch.randn(batch, 3, 32, 32, device=device)
    labels = (torch.arange(batch) % 10).to(device)
    # GPU work is queued: wait for it before reading the clock
    wait = torch.cuda.synchronize if device == "cuda" else (lambda: None)

    def step():
        if mode == "train":
            optimizer.zero_grad()
            criterion(net(images), labels).backward()
            optimizer.step()
        else:
            with torch.no_grad():
                net(images)

    if mode == "infer":
        net.eval()
    for _ in range(2):
        step()
    wait()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    wait()
    return batch * steps / (time.perf_counter() - start)


def torch_worker(mode, batch, steps, threads):
    """The workload in PyTorch; runs in its own process, started by main()."""
    import torch
    torch.set_num_threads(threads)
    print(f"images_per_second {time_torch_resnet18(mode, batch, steps)}")
    print(f"version {torch.__version__}")


def run_measured(command, env):
    """Like run(), with the child's peak RSS (ru_maxrss, KiB on Linux) from wait4."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    out, err = process.stdout.read(), process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"resnet18.py: {' '.join(command)} failed:\n{err}")
    fields = dict(line.split(" ", 1) for line in out.strip().split("\n"))
    return fields, usage.ru_maxrss / 1024.0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        mode, batch, steps, threads = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        return torch_worker(mode, batch, steps, threads)
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.join(here, "..", "..")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(root, "build", "release", "tools", "bench", "bench_resnet18"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--torch-python", help="a Python with the current torch and torchvision from PyPI")
    parser.add_argument("--quick", action="store_true", help="fewer steps, for a smoke test")
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        print("resnet18.py: building bench_resnet18 with the release preset", flush=True)
        subprocess.run(["cmake", "--preset", "release"], cwd=root, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", "--preset", "release", "--target", "bench_resnet18"], cwd=root, check=True)

    base_env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads))
    base_env.pop("OPENBLAS_CORETYPE", None)
    torches = [("debian", "/usr/bin/python3", {}), ("debian-skylakex", "/usr/bin/python3", {"OPENBLAS_CORETYPE": "SkylakeX"})]
    if args.torch_python:
        torches.append(("pypi", args.torch_python, {}))
    me = os.path.abspath(__file__)
    versions = {}
    print(f"ResNet18 (10 classes, 32x32 images), {args.threads} threads; "
          "ratio = tapenet / faster Debian PyTorch, pypi_ratio = tapenet / PyPI PyTorch")
    workloads = [(m, b, max(1, s // 3) if args.quick else s) for m, b, s in WORKLOADS]
    for mode, batch, steps in workloads:
        ours, _ = run_measured([args.binary, mode, str(batch), str(steps), str(args.threads)], base_env)
        ours = float(ours["images_per_second"])
        theirs = {}
        for name, python, extra in torches:
            fields, _ = run_measured([python, me, "--worker", mode, str(batch), str(steps), str(args.threads)],
                                     dict(base_env, **extra))
            theirs[name] = float(fields["images_per_second"])
            versions[name] = fields["version"]
        debian = max(theirs["debian"], theirs["debian-skylakex"])
        detail = ", ".join(f"{name} {v:.1f}" for name, v in theirs.items())
        what = "training step" if mode == "train" else "inference"
        pypi = f" pypi_ratio={ours / theirs['pypi']:.2f}" if "pypi" in theirs else ""
        print(f"{what:13s} batch {batch:3d}: tapenet {ours:7.1f} img/s, PyTorch ({detail}) img/s, "
              f"ratio={ours / debian:.2f}{pypi}", flush=True)

    rss_steps = 4 if args.quick else RSS_STEPS
    _, ours = run_measured([args.binary, "train", "128", str(rss_steps), str(args.threads)], base_env)
    theirs = {}
    for name, python, extra in torches:
        _, theirs[name] = run_measured([python, me, "--worker", "train", "128", str(rss_steps), str(args.threads)],
                                       dict(base_env, **extra))
    debian = min(theirs["debian"], theirs["debian-skylakex"])
    detail = ", ".join(f"{name} {v:.0f}" for name, v in theirs.items())
    pypi = f" pypi_ratio={ours / theirs['pypi']:.2f}" if "pypi" in theirs else ""
    print(f"peak RSS, {rss_steps} training steps at batch 128: tapenet {ours:.0f} MiB, PyTorch ({detail}) MiB, "
          f"ratio={ours / debian:.2f}{pypi}")
    print("PyTorch versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))


if __name__ == "__main__":
    main()
