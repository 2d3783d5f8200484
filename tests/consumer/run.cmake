# Installs tapenet into a fresh prefix with the README's two commands, then configures, builds and runs the consumer
# project against it (MODE=installed), or against the source tree (MODE=subdirectory).
set(work ${WORK_DIR}/${MODE})
file(REMOVE_RECURSE ${work})

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "consumer test (${MODE}): `${ARGV}` failed with ${result}")
  endif()
endfunction()

if(MODE STREQUAL "installed")
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${work}/tapenet-build -G Ninja -DTAPENET_BUILD_TESTS=OFF
      -DTAPENET_BUILD_EXAMPLES=OFF -DTAPENET_BUILD_TOOLS=OFF)
  run(${CMAKE_COMMAND} --install ${work}/tapenet-build --prefix ${work}/prefix)
  set(how -DCMAKE_PREFIX_PATH=${work}/prefix)
else()
  set(how -DTAPENET_SOURCE_DIR=${SOURCE_DIR})
endif()
# The decoy cuda_runtime_api.h (cmake/no_cuda) stands in for a user's machine without CUDA.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer/project -B ${work}/build -G Ninja ${how}
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-I${SOURCE_DIR}/cmake/no_cuda)
run(${CMAKE_COMMAND} --build ${work}/build)
run(${work}/build/app)
