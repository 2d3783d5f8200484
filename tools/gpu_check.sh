#!/usr/bin/env bash
# Everything this project can only learn on a GPU, in one run of under 8 minutes on an H200:
#   tools/gpu_check.sh --stage [ARCHIVE]
#       here, once: copy the headers the GPU machine lacks (Eigen, Catch2, stb, CLI11,
#       nlohmann/json, zlib) into gpu_deps/, and cut CIFAR-10 (ARCHIVE, by default ../shared/data's)
#       to gpu_deps/cifar-10-subset.tar.gz: what travels there is limited to 64 MiB, and the whole
#       archive is 174 MB
#   tools/gpu_check.sh [--data FILE]
#       there: build with nvcc for sm_90, run cuda_tests, the ResNet18 benchmark beside PyTorch,
#       and the tutorial on the GPU beside PyTorch's, on FILE or else on the staged subset
#   tools/gpu_check.sh --build-only
#       the build alone, to check the script on a machine without a GPU
# The GPU machine has nvcc, g++ and PyTorch but installs nothing, hence the staging. Results go to
# $OUT (the device tool's folder that comes back) or build/gpu.
set -euo pipefail
cd "$(dirname "$0")/.."
deps=gpu_deps

if [[ ${1:-} == --stage ]]; then
  rm -rf "$deps" && mkdir -p "$deps/include"
  cp -r /usr/include/eigen3/Eigen /usr/include/catch2 /usr/include/CLI /usr/include/nlohmann \
    /usr/include/stb /usr/include/zlib.h /usr/include/zconf.h "$deps/include/"
  # The subset: the first 2,000 records of each training file (10,000 images, a fifth of the set)
  # and of the test file. Records are 3,073 bytes, so a prefix of a file is a valid file.
  archive=${2:-../shared/data/cifar-10-binary.tar.gz}
  if [[ -f $archive ]]; then
    work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
    tar xzf "$archive" -C "$work"
    for file in "$work"/cifar-10-batches-bin/*.bin; do
      head -c $((2000 * 3073)) "$file" >"$file.part" && mv "$file.part" "$file"
    done
    tar czf "$deps/cifar-10-subset.tar.gz" -C "$work" cifar-10-batches-bin
  else
    echo "gpu_check.sh: no CIFAR-10 archive at $archive: the tutorial will not run there" >&2
  fi
  du -sh "$deps"
  exit 0
fi

data=$deps/cifar-10-subset.tar.gz build_only=false
[[ ${1:-} == --data ]] && data=$2
[[ ${1:-} == --build-only ]] && build_only=true
out=${OUT:-build/gpu}
build=build/gpu
mkdir -p "$out" "$build"
[[ -d $deps/include/Eigen ]] || { echo "gpu_check.sh: no $deps/ (run tools/gpu_check.sh --stage here, and carry it)" >&2; exit 1; }
export PATH=/usr/local/cuda/bin:$PATH
$build_only || nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"
nvcc --version | tail -1 | tee -a "$out/gpu.txt"

# The flags of CMake's release nvcc targets, without its package search (nothing is installed).
flags=(-O3 -DNDEBUG -std=c++20 -gencode arch=compute_90,code=[sm_90,compute_90] --expt-relaxed-constexpr
       -diag-suppress=20012 -Xcompiler=-fopenmp -Iinclude -isystem "$deps/include" -isystem "$deps/include/stb"
       -lcublas -lgomp -lpthread -l:libz.so.1)
started=$SECONDS
pids=()
# cuda_tests: the [cuda] tests and the backend-generic tests (the same list as tests/cuda/CMakeLists.txt;
# -x cu compiles a .cpp as CUDA), each file by its own nvcc, linked once all are done.
generic=(core/tensor_test autograd/tape_test autograd/gradcheck_test autograd/parity_test
         nn/layers_parity_test nn/layers_gradcheck_test optim/sgd_test models/resnet_test)
test_flags=(-Itests -DTAPENET_FIXTURE_DIR="\"$PWD/tests/fixtures\"" -DTAPENET_SOURCE_DIR="\"$PWD\"")
objects=("$build/cuda_test.o")
nvcc "${flags[@]}" "${test_flags[@]}" -c tests/cuda/cuda_test.cu -o "${objects[0]}" & pids+=($!)
for test in "${generic[@]}"; do
  objects+=("$build/${test//\//_}.o")
  nvcc "${flags[@]}" "${test_flags[@]}" -c -x cu "tests/$test.cpp" -o "${objects[-1]}" & pids+=($!)
done
nvcc "${flags[@]}" -x cu tools/bench/resnet18.cpp -o "$build/bench_resnet18_gpu" & pids+=($!)
nvcc "${flags[@]}" -x cu examples/cli/tapenet.cpp -o "$build/tapenet-cuda" & pids+=($!)
for pid in "${pids[@]}"; do wait "$pid"; done
nvcc "${flags[@]}" "${objects[@]}" -o "$build/cuda_tests"
echo "built in $((SECONDS - started)) s"
$build_only && exit 0

"$build/tapenet-cuda" info | tee -a "$out/gpu.txt"

# Each part runs under a time limit, its output also in $out/NAME.txt. A part that fails or runs
# out of time is noted and the script goes on: GPU time is scarce, and one broken part should not
# cost the others theirs.
failed=()
part() {
  local name=$1 limit=$2
  shift 2
  echo "== $name (at most $limit s)"
  timeout "$limit" "$@" 2>&1 | tee "$out/$name.txt" || failed+=("$name")
}
part cuda_tests 150 "$build/cuda_tests"
part bench 150 python3 tools/bench/resnet18_gpu.py --binary "$build/bench_resnet18_gpu"
if [[ -f $data ]]; then
  part tutorial 150 python3 tools/torch_reference/tutorial.py --device cuda --archive "$data" \
    --tapenet "$build/tapenet-cuda"
else
  echo "no CIFAR-10 archive (--data FILE, or a staged subset): the tutorial was not run"
fi
echo "gpu_check.sh: done in $SECONDS s${failed[*]:+; failed: ${failed[*]}}"
[[ ${#failed[@]} -eq 0 ]]
