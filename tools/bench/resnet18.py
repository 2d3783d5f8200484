#!/usr/bin/python3
"""ResNet18 (the tutorial's network) on the CPU: tapenet beside PyTorch and ONNX Runtime, same run.

    tools/bench/resnet18.py [--threads 2] [--rounds 5] [--torch-python VENV/bin/python] [--quick]

Builds the release preset's benchmarks when they are missing. Workloads: training steps
(zero_grad, forward, loss, backward, SGD with momentum) at batch 4, 32 and 128; inference at
batch 4 and 256; then each distinct convolution layer of the network at batch 128, alone.

Engines: tapenet; PyTorch as Debian's 1.13 with its default OpenBLAS and again with
OPENBLAS_CORETYPE set to this CPU's real core type (Debian's OpenBLAS misdetects some CPUs); and,
when --torch-python names a Python with them from PyPI, the current PyTorch and, for inference,
ONNX Runtime running the same network exported by torch.onnx. Every run is a fresh process. The
engines take turns, in an order that rotates each round, so that a noisy moment of a shared
machine falls on one run of one engine rather than on every run of one engine.

Each table gives, per engine, the median over the rounds and the range (min-max), then ratios of
medians: above 1 means tapenet is faster (for memory, below 1 means tapenet uses less). "peak"
is the fraction of the machine's FMA peak (bench_fma_peak, all threads) the workload reaches:
FLOPs are the multiply-adds of convolutions and linear layers, twice, three times the forward
pass's for a training step.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

WORKLOADS = [("train", 4, 30), ("train", 32, 6), ("train", 128, 3), ("infer", 4, 60), ("infer", 256, 3)]
# ResNet18's convolutions on 32x32 images: (name, in, out, kernel, stride, padding, input size, count)
CONV_LAYERS = [("conv1", 3, 64, 7, 2, 3, 32, 1), ("layer1.*", 64, 64, 3, 1, 1, 8, 4),
               ("layer2.0.conv1", 64, 128, 3, 2, 1, 8, 1), ("layer2.*", 128, 128, 3, 1, 1, 4, 3),
               ("layer2.0.downsample", 64, 128, 1, 2, 0, 8, 1), ("layer3.0.conv1", 128, 256, 3, 2, 1, 4, 1),
               ("layer3.*", 256, 256, 3, 1, 1, 2, 3), ("layer3.0.downsample", 128, 256, 1, 2, 0, 4, 1),
               ("layer4.0.conv1", 256, 512, 3, 2, 1, 2, 1), ("layer4.*", 512, 512, 3, 1, 1, 1, 3),
               ("layer4.0.downsample", 256, 512, 1, 2, 0, 2, 1)]
CONV_BATCH = 128


def cpu_model_and_isa():
    """The CPU's name and the widest vector instructions it has, from /proc/cpuinfo."""
    model, flags = "unknown CPU", set()
    with open("/proc/cpuinfo") as info:
        for line in info:
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                model = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
    isa = "AVX-512" if "avx512f" in flags else "AVX2+FMA" if {"avx2", "fma"} <= flags else "SSE"
    return model, isa


def machine_line():
    model, isa = cpu_model_and_isa()
    return f"{model} ({isa}), {os.cpu_count()} cores"


def openblas_coretype():
    """The OPENBLAS_CORETYPE that names this CPU's real kernels (Debian's build may guess worse)."""
    model, isa = cpu_model_and_isa()
    if isa == "AVX-512":
        return "SkylakeX"
    return "Zen" if "AMD" in model else "Haswell"


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


def export_onnx(path, batch):
    """The benchmark's network (resnet18, 10-class fc) in ONNX, for a fixed batch size."""
    import torch
    import torchvision
    net = torchvision.models.resnet18()
    net.fc = torch.nn.Linear(net.fc.in_features, 10)
    net.eval()
    torch.onnx.export(net, torch.randn(batch, 3, 32, 32), path, dynamo=False)


def onnx_worker(path, batch, steps, threads):
    """Inference with ONNX Runtime on `threads` threads; runs in its own process."""
    import numpy
    import onnxruntime
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: numpy.random.randn(batch, 3, 32, 32).astype(numpy.float32)}
    for _ in range(2):
        session.run(None, feed)
    start = time.perf_counter()
    for _ in range(steps):
        session.run(None, feed)
    print(f"images_per_second {batch * steps / (time.perf_counter() - start)}")
    print(f"version {onnxruntime.__version__}")


def conv_worker(shape, steps, threads):
    """One convolution layer in PyTorch: forward and backward seconds per step (bench_conv_layer's)."""
    import torch
    torch.set_num_threads(threads)
    batch, cin, cout, kernel, stride, padding, size = shape
    conv = torch.nn.Conv2d(cin, cout, kernel, stride, padding, bias=False)
    x = torch.randn(batch, cin, size, size, requires_grad=True)
    forward = backward = 0.0
    for step in range(-2, steps):
        start = time.perf_counter()
        total = conv(x).sum()
        middle = time.perf_counter()
        total.backward()
        end = time.perf_counter()
        if step >= 0:
            forward, backward = forward + middle - start, backward + end - middle
    print(f"forward_seconds {forward / steps}\nbackward_seconds {backward / steps}")


def output_fields(command, env):
    """Runs command; returns its output's "key value" lines as a dict."""
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return dict(line.split(" ", 1) for line in out.strip().split("\n"))


def useful_conv_flops(layer):
    """2 x the multiply-adds of one image through the layer that meet the image, not its padding."""
    _, cin, cout, kernel, stride, padding, size, _ = layer
    out_size = (size + 2 * padding - kernel) // stride + 1

    def taps(o):  # kernel taps of output row o that land inside the input
        return sum(1 for k in range(kernel) if 0 <= o * stride - padding + k < size)

    per_axis = sum(taps(o) for o in range(out_size))
    return 2 * cin * cout * per_axis * per_axis


class Bench:
    """The engines, how to start each, and the measurements gathered so far."""

    def __init__(self, args):
        self.args = args
        self.me = os.path.abspath(__file__)
        self.bench_dir = os.path.dirname(args.binary)
        self.env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads))
        self.env.pop("OPENBLAS_CORETYPE", None)
        self.coretype = openblas_coretype()
        self.torches = [("torch-debian", "/usr/bin/python3", {}),
                        (f"torch-debian-{self.coretype}", "/usr/bin/python3", {"OPENBLAS_CORETYPE": self.coretype})]
        if args.torch_python:
            self.torches.append(("torch-pypi", args.torch_python, {}))
        self.versions = {}
        self.onnx_folder = tempfile.TemporaryDirectory(prefix="tapenet-onnx-")  # removed at exit
        self.onnx_dir = self.onnx_folder.name

    def onnx_model(self, batch):
        path = os.path.join(self.onnx_dir, f"resnet18-b{batch}.onnx")
        if not os.path.exists(path):
            code = f"import sys; sys.path.insert(0, {os.path.dirname(self.me)!r}); import resnet18; " \
                   f"resnet18.export_onnx({path!r}, {batch})"
            subprocess.run([self.args.torch_python, "-c", code], check=True, capture_output=True)
        return path

    def commands(self, mode, batch, steps):
        """(engine, command, extra environment) for each engine that can run the workload."""
        t = str(self.args.threads)
        runs = [("tapenet", [self.args.binary, mode, str(batch), str(steps), t], {})]
        for name, python, extra in self.torches:
            runs.append((name, [python, self.me, "--worker", mode, str(batch), str(steps), t], extra))
        if mode == "infer" and self.args.torch_python:
            runs.append(("onnxruntime", [self.args.torch_python, self.me, "--onnx-worker",
                                         self.onnx_model(batch), str(batch), str(steps), t], {}))
        return runs

    def rounds(self, runs):
        """results[engine] = [(output fields, peak RSS in MiB) per round], the engines taking turns
        in an order that rotates each round."""
        results = {}
        for r in range(self.args.rounds):
            shift = r % len(runs)
            for name, command, extra in runs[shift:] + runs[:shift]:
                process = subprocess.Popen(command, env=dict(self.env, **extra), stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, text=True)
                _, status, usage = os.wait4(process.pid, 0)
                out, err = process.stdout.read(), process.stderr.read()
                if os.waitstatus_to_exitcode(status) != 0:
                    sys.exit(f"resnet18.py: {' '.join(command)} failed:\n{err}")
                fields = dict(line.split(" ", 1) for line in out.strip().split("\n"))
                if "version" in fields:
                    self.versions[name] = fields["version"]
                results.setdefault(name, []).append((fields, usage.ru_maxrss / 1024.0))
        return results


def summarise(values):
    return statistics.median(values), min(values), max(values)


def print_workload(title, results, unit, peak_of=None):
    """One row per engine: median [range]; then tapenet's ratios against the others."""
    ours = statistics.median(results["tapenet"])
    cells = []
    for name, values in results.items():
        median, low, high = summarise(values)
        extra = f", {peak_of(median):.0%} of peak" if peak_of and name == "tapenet" else ""
        cells.append(f"{name} {median:.1f} [{low:.1f}-{high:.1f}]{extra}")
    ratios = [f"{name} {ours / statistics.median(values):.2f}" for name, values in results.items() if name != "tapenet"]
    print(f"{title}: {unit}: " + "; ".join(cells))
    print(f"{'':{len(title)}}  tapenet / " + ", ".join(ratios), flush=True)


def print_conv_table(bench, peak):
    """Each distinct convolution of ResNet18 alone at batch 128: forward + backward, tapenet beside
    the strongest PyTorch here, in rounds like the workloads."""
    torch_name, torch_python, _ = bench.torches[-1]
    t, steps = str(bench.args.threads), "2" if bench.args.quick else "5"
    print(f"\nconvolution layers at batch {CONV_BATCH}, forward + backward (input and weight gradients); "
          f"GFLOP/s of the multiply-adds that meet the image, median of {bench.args.rounds} rounds")
    print(f"{'layer':20s} {'count':>5s} {'in->out':>9s} {'size':>4s} {'tapenet GFLOP/s':>16s} {'peak':>5s} "
          f"{torch_name + ' GFLOP/s':>20s} {'ratio':>6s}")
    for layer in CONV_LAYERS:
        name, cin, cout, kernel, stride, padding, size, count = layer
        shape = [str(v) for v in (CONV_BATCH, cin, cout, kernel, stride, padding, size)]
        runs = [("tapenet", [os.path.join(bench.bench_dir, "bench_conv_layer")] + shape + [steps, t], {}),
                (torch_name, [torch_python, bench.me, "--conv-worker"] + shape + [steps, t], {})]
        results = bench.rounds(runs)
        flops = 3 * CONV_BATCH * useful_conv_flops(layer)
        rate = {engine: statistics.median(flops / 1e9 / (float(f["forward_seconds"]) + float(f["backward_seconds"]))
                                          for f, _ in values) for engine, values in results.items()}
        print(f"{name:20s} {count:5d} {f'{cin}->{cout}':>9s} {size:4d} {rate['tapenet']:16.1f} "
              f"{rate['tapenet'] / peak:5.0%} {rate[torch_name]:20.1f} {rate['tapenet'] / rate[torch_name]:6.2f}",
              flush=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        return torch_worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    if len(sys.argv) > 1 and sys.argv[1] == "--onnx-worker":
        return onnx_worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    if len(sys.argv) > 1 and sys.argv[1] == "--conv-worker":
        return conv_worker([int(v) for v in sys.argv[2:9]], int(sys.argv[9]), int(sys.argv[10]))
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.join(here, "..", "..")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(root, "build", "release", "tools", "bench", "bench_resnet18"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--torch-python", help="a Python with torch, torchvision, onnx and onnxruntime from PyPI")
    parser.add_argument("--quick", action="store_true", help="fewer steps and rounds, for a smoke test")
    args = parser.parse_args()
    if args.quick:
        args.rounds = min(args.rounds, 2)
    bench_dir = os.path.dirname(args.binary)
    programs = ["bench_resnet18", "bench_conv_layer", "bench_fma_peak"]
    if not all(os.path.exists(os.path.join(bench_dir, p)) for p in programs):
        print("resnet18.py: building the benchmarks with the release preset", flush=True)
        subprocess.run(["cmake", "--preset", "release"], cwd=root, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", "--preset", "release", "--target"] + programs, cwd=root, check=True)
    bench = Bench(args)

    peak = float(output_fields([os.path.join(bench_dir, "bench_fma_peak"), str(args.threads)], bench.env)["gflops"])
    print(f"{machine_line()}; {args.threads} threads; FMA peak {peak:.0f} GFLOP/s (bench_fma_peak {args.threads}); "
          f"{args.rounds} rounds; OPENBLAS_CORETYPE={bench.coretype} for the second Debian run", flush=True)

    rss = {}
    for mode, batch, steps in WORKLOADS:
        results = bench.rounds(bench.commands(mode, batch, max(1, steps // 3) if args.quick else steps))
        speed = {name: [float(fields["images_per_second"]) for fields, _ in runs] for name, runs in results.items()}
        if mode == "train" and batch == 128:
            rss = {name: [peak_rss for _, peak_rss in runs] for name, runs in results.items()}
        per_image = (3 if mode == "train" else 1) * float(results["tapenet"][0][0]["forward_flops_per_image"])
        what = "training" if mode == "train" else "inference"
        print_workload(f"{what} batch {batch:3d}", speed, "img/s", lambda v: v * per_image / (peak * 1e9))

    print_workload("peak RSS, training at batch 128", rss, "MiB")
    print_conv_table(bench, peak)
    print("versions: " + ", ".join(f"{k} {v}" for k, v in sorted(bench.versions.items())))


if __name__ == "__main__":
    main()
