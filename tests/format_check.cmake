# Fails when a C++ file is not formatted by the repo's .clang-format (fix: clang-format -i FILE).
file(GLOB_RECURSE sources ${SOURCE_DIR}/include/*.hpp ${SOURCE_DIR}/tests/*.cpp
     ${SOURCE_DIR}/tests/*.hpp ${SOURCE_DIR}/tests/*.cu ${SOURCE_DIR}/tools/*.cpp ${SOURCE_DIR}/tools/*.hpp
     ${SOURCE_DIR}/exercises/*.cpp ${SOURCE_DIR}/exercises/*.hpp ${SOURCE_DIR}/examples/*.cpp
     ${SOURCE_DIR}/examples/*.hpp)
execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${sources} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "format: the files above differ from .clang-format; run clang-format -i on them")
endif()
