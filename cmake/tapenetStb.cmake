# The stb single-file libraries (image loading and writing), from Debian's libstb-dev.
if(NOT TARGET tapenet::stb)
  find_path(TAPENET_STB_INCLUDE_DIR stb_image.h PATH_SUFFIXES stb REQUIRED)
  add_library(tapenet::stb INTERFACE IMPORTED)
  set_target_properties(tapenet::stb PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${TAPENET_STB_INCLUDE_DIR}")
endif()
