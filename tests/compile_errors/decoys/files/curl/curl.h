#error "a header that should not read files reached curl/curl.h"
