#pragma once
// Files in and out: state dicts in safetensors format, optimiser state, crash-safe checkpoints,
// PNG and JPEG images.
#include "tapenet/nn.hpp"

#include "tapenet/io/checkpoint.hpp"
#include "tapenet/io/image.hpp"
#include "tapenet/io/optimizer_state.hpp"
#include "tapenet/io/safetensors.hpp"
#include "tapenet/io/state_dict.hpp"
