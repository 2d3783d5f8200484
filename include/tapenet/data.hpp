#pragma once
// Feeding the network: datasets (datasets/), fetching and unpacking their files (download/),
// transforms (transforms/), the batching loader (data/) and pictures of batches (draw/). None of it
// needs the CPU backend's compute: images are host bytes until they reach the network.
#include "tapenet/data/dataloader.hpp"
#include "tapenet/datasets/cifar10.hpp"
#include "tapenet/datasets/dataset.hpp"
#include "tapenet/datasets/fashion_mnist.hpp"
#include "tapenet/download/archive.hpp"
#include "tapenet/download/download.hpp"
#include "tapenet/download/md5.hpp"
#include "tapenet/draw/grid.hpp"
#include "tapenet/io/image.hpp"
#include "tapenet/transforms/transforms.hpp"
