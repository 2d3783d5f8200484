#!/bin/sh
# Redraws the course's figures into docs/images/. Run from the repository root after building:
#   ninja -C build/dev figure_im2col figure_stride_padding ...   (or: ninja -C build/dev tools/figures/all)
#   tools/figures/draw_all.sh [build/dev]
# augmented_batch reads CIFAR-10 from $TAPENET_CIFAR10 (default: ../shared/data/cifar-10-binary.tar.gz).
set -e
build=${1:-build/dev}
for figure in im2col stride_padding residual_block resnet18_stages batchnorm_axes augmented_batch \
              gpu_grid activation_spread busy_schedule; do
  svg=docs/images/$(echo $figure | tr _ -).svg
  # 77: augmented_batch found no CIFAR-10 archive and said so; the old figure stays
  OMP_NUM_THREADS=1 "$build/tools/figures/figure_$figure" "$svg" || [ $? -eq 77 ]
done
