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
# A user's project gets -march=native by default (the fast path), and not with TAPENET_NATIVE=OFF.
foreach(native ON OFF)
  set(build ${work}/build-native-${native})
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer/project -B ${build} -G Ninja ${how}
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-I${SOURCE_DIR}/cmake/no_cuda
      -DTAPENET_NATIVE=${native} -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
  file(READ ${build}/compile_commands.json commands)
  string(FIND "${commands}" "-march=native" found)
  if((native AND found EQUAL -1) OR (NOT native AND NOT found EQUAL -1))
    message(FATAL_ERROR "consumer test (${MODE}): with TAPENET_NATIVE=${native}, -march=native "
                        "should be ${native} in the app's compile command:\n${commands}")
  endif()
endforeach()
# Only the default build is compiled and run: the flag makes no other difference to the program.
run(${CMAKE_COMMAND} --build ${work}/build-native-ON)
run(${work}/build-native-ON/app)
