#!/usr/bin/python3
"""GEMM GFLOP/s: tapenet's Eigen backend beside torch.mm, same machine, same run, same threads.

    tools/bench/gemm.py [--binary build/release/tools/bench/bench_gemm] [--threads 2]

Builds the release preset's bench_gemm first when it is missing. The two alternate, round after
round, and each keeps its best time, so a noisy neighbour hurts both alike.
"""
import argparse
import os
import subprocess
import time

SIZES = (1024, 2048)


def torch_gflops(torch, n, rounds):
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)  # warm-up
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    return 2.0 * n ** 3 / best / 1e9


def loaded_blas():
    """Which BLAS library torch.mm really called: Debian's torch uses whatever libblas.so.3 is."""
    with open("/proc/self/maps") as maps:
        names = {line.split()[-1] for line in maps if "blas" in line.lower() or "mkl" in line.lower()}
    return ", ".join(sorted(os.path.basename(n) for n in names)) or "built in"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_binary = os.path.join(here, "..", "..", "build", "release", "tools", "bench", "bench_gemm")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=default_binary)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    # Debian's torch calls whatever libblas.so.3 is (OpenBLAS once libopenblas0 is installed), and
    # torch.set_num_threads does not reach OpenBLAS: its thread count is set before it loads.
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    import torch
    if not os.path.exists(args.binary):
        root = os.path.join(here, "..", "..")
        print("gemm.py: building bench_gemm with the release preset")
        subprocess.run(["cmake", "--preset", "release"], cwd=root, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", "--preset", "release", "--target", "bench_gemm"], cwd=root, check=True)
    torch.set_num_threads(args.threads)
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))
    print(f"torch {torch.__version__} ({loaded_blas()}), {args.threads} threads, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}")
    best = {n: [0.0, 0.0] for n in SIZES}
    for _ in range(3):
        out = subprocess.run([args.binary, str(args.threads), str(args.rounds)] + [str(n) for n in SIZES],
                             check=True, capture_output=True, text=True).stdout
        for line in out.split("\n"):
            if line:
                n, gflops = line.split()
                best[int(n)][0] = max(best[int(n)][0], float(gflops))
        for n in SIZES:
            best[n][1] = max(best[n][1], torch_gflops(torch, n, args.rounds))
    for n, (ours, theirs) in best.items():
        print(f"gemm {n}x{n}: tapenet {ours:.1f} GFLOP/s, torch.mm {theirs:.1f} GFLOP/s, ratio={ours / theirs:.2f}")


if __name__ == "__main__":
    main()
