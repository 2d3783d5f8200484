// The tapenet program compiled by nvcc: the same source, with the GPU backend as well.
#include "tapenet.cpp"
