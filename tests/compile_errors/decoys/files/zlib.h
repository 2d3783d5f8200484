#error "a header that should not read files reached zlib.h"
