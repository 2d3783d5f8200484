#!/usr/bin/python3
"""Training on a busy machine: tapenet beside PyTorch, with 0, 1 and 2 busy processes running.

    tools/bench/contention.py [--rounds 3] [--loads 0,1,2] [--torch-python VENV/bin/python]
                              [--baseline DIR] [--quick]

Two workloads: the small CNN of bench_small_cnn (Conv-BN-ReLU-MaxPool twice, Linear; 300 SGD steps
at batch 64 on 1x28x28 images) and ResNet18 training at batch 4 (60 steps). Every engine runs with
its default thread count, as a user would run it. A busy process is a shell loop that never
sleeps, like a browser tab spinning or a second job on the same laptop.

For each load, the engines run in alternating rounds, each run a fresh process; the table gives
the median time in seconds with its range, the slowdown against the same engine on the idle
machine, and tapenet's time over PyTorch's (below 1: tapenet is faster). --baseline names the
tools/bench folder of another build (say, an older commit) to run beside the current one.
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
import resnet18  # noqa: E402  (the PyTorch side of the ResNet18 workload)


def torch_small_cnn(steps):
    """Seconds for `steps` training steps of the small CNN in PyTorch, after two warm-up steps."""
    import time
    import torch
    from torch import nn
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(64 * 7 * 7, 10))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    images, labels = torch.randn(64, 1, 28, 28), torch.arange(64) % 10

    def step():
        optimizer.zero_grad()
        criterion(net(images), labels).backward()
        optimizer.step()

    for _ in range(2):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return time.perf_counter() - start


def worker(workload, steps):
    """One PyTorch run, in its own process; prints its seconds."""
    if workload == "small_cnn":
        print(torch_small_cnn(steps))
    else:
        print(4 * steps / resnet18.time_torch_resnet18("train", 4, steps))


def command(engine, workload, steps, args):
    """The command line that runs `workload` on `engine`; it prints the seconds (last word)."""
    if engine.startswith("tapenet"):
        folder = args.baseline if engine == "tapenet-baseline" else args.bench_dir
        if workload == "small_cnn":
            return [os.path.join(folder, "bench_small_cnn"), str(steps)]
        return [os.path.join(folder, "bench_resnet18"), "train", "4", str(steps), "0"]
    python = args.torch_python if engine == "pytorch-pypi" else "/usr/bin/python3"
    return [python, os.path.abspath(__file__), "--worker", workload, str(steps)]


def seconds(cmd, steps):
    """Runs cmd; its seconds are its last word, or come from bench_resnet18's images per second."""
    words = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.split()
    if "images_per_second" in words:
        return 4 * steps / float(words[words.index("images_per_second") + 1])
    return float(words[-1])


def busy_processes(count):
    return [subprocess.Popen(["sh", "-c", "while :; do :; done"]) for _ in range(count)]


def measure(engines, workloads, loads, rounds, args):
    """times[(workload, engine, load)] = the seconds of each round."""
    times = {}
    for load in loads:
        busy = busy_processes(load)
        try:
            for r in range(rounds):
                for workload, steps in workloads:
                    order = engines[r % len(engines):] + engines[:r % len(engines)]
                    for engine in order:
                        t = seconds(command(engine, workload, steps, args), steps)
                        times.setdefault((workload, engine, load), []).append(t)
                        print(f"  load {load} round {r + 1}: {workload} {engine} {t:.2f} s", file=sys.stderr)
        finally:
            for process in busy:
                process.kill()
                process.wait()
    return times


def report(times, engines, workloads, loads):
    def median(key):
        return statistics.median(times[key])
    print(f"{'workload':10s} {'engine':17s} " + " ".join(f"{f'{n} busy: s [range]':>24s}" for n in loads)
          + "  " + " ".join(f"x idle@{n}" for n in loads[1:]) + "  " + " ".join(f"/torch@{n}" for n in loads))
    for workload, _ in workloads:
        torch_engine = "pytorch-pypi" if "pytorch-pypi" in engines else "pytorch-debian"
        for engine in engines:
            cells = []
            for load in loads:
                ts = times[(workload, engine, load)]
                cells.append(f"{median((workload, engine, load)):7.2f} [{min(ts):6.2f}-{max(ts):6.2f}]")
            slow = [median((workload, engine, n)) / median((workload, engine, loads[0])) for n in loads[1:]]
            vs = [median((workload, engine, n)) / median((workload, torch_engine, n)) for n in loads]
            print(f"{workload:10s} {engine:17s} " + " ".join(f"{c:>24s}" for c in cells) + "  "
                  + " ".join(f"{s:8.2f}" for s in slow) + "  " + " ".join(f"{v:8.2f}" for v in vs))
    print(f"(x idle@N: median time with N busy over the same engine's idle median; "
          f"/torch@N: over {torch_engine}'s median under the same load)")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        return worker(sys.argv[2], int(sys.argv[3]))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench-dir", default=os.path.join(ROOT, "build", "release", "tools", "bench"))
    parser.add_argument("--baseline", help="the tools/bench folder of another tapenet build, run beside")
    parser.add_argument("--torch-python", help="a Python with the current torch from PyPI")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loads", default="0,1,2")
    parser.add_argument("--quick", action="store_true", help="fewer steps, for a smoke test")
    args = parser.parse_args()
    loads = [int(n) for n in args.loads.split(",")]
    workloads = [("small_cnn", 30 if args.quick else 300), ("resnet18_b4", 6 if args.quick else 60)]
    engines = ["tapenet"] + (["tapenet-baseline"] if args.baseline else []) + ["pytorch-debian"]
    engines += ["pytorch-pypi"] if args.torch_python else []
    print(f"{resnet18.machine_line()}; each engine with its default threads; {args.rounds} rounds",
          flush=True)
    report(measure(engines, workloads, loads, args.rounds, args), engines, workloads, loads)


if __name__ == "__main__":
    main()
