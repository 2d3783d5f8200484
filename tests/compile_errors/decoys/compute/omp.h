#error "a header that should not need the CPU backend's compute reached omp.h"
