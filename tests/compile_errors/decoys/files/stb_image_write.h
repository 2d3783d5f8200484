#error "a header that should not read files reached stb_image_write.h"
