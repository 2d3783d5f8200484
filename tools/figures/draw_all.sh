#!/bin/sh
# Redraws the course's figures into docs/images/. Run from the repository root after building:
#   ninja -C build/dev $(ninja -C build/dev -t targets all | grep -o '^figure_[a-z0-9_]*' | sort -u)
#   tools/figures/draw_all.sh [build/dev]
# augmented_batch reads CIFAR-10 from $TAPENET_CIFAR10 (default: ../shared/data/cifar-10-binary.tar.gz).
set -e
build=${1:-build/dev}
for figure in im2col stride_padding residual_block resnet18_stages batchnorm_axes augmented_batch \
              gpu_grid activation_spread; do
  svg=docs/images/$(echo $figure | tr _ -).svg
  OMP_NUM_THREADS=1 "$build/tools/figures/figure_$figure" "$svg"
done
