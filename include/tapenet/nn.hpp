#pragma once
// Layer 3, networks: layers with parameters (nn/), optimisers and schedules (optim/), ResNet
// (models/).
#include "tapenet/autograd.hpp"

#include "tapenet/nn/activation.hpp"
#include "tapenet/nn/batchnorm.hpp"
#include "tapenet/nn/conv.hpp"
#include "tapenet/nn/dropout.hpp"
#include "tapenet/nn/init.hpp"
#include "tapenet/nn/linear.hpp"
#include "tapenet/nn/loss.hpp"
#include "tapenet/nn/module.hpp"
#include "tapenet/nn/pool.hpp"
#include "tapenet/nn/sequential.hpp"
#include "tapenet/nn/summary.hpp"

#include "tapenet/optim/scheduler.hpp"
#include "tapenet/optim/sgd.hpp"

#include "tapenet/models/resnet.hpp"
