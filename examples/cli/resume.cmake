# A run killed in its second epoch and resumed must end with the very bytes of an uninterrupted
# run's model and optimiser files. Arguments: -DTAPENET=path -DDATA=archive -DREFERENCE=dir -DOUT=dir
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${TAPENET} train --data ${DATA} --epochs 2 --out ${OUT} --crash-after-step 6
                RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 137)
  message(FATAL_ERROR "the crashing run ended with ${status}, expected 137")
endif()
file(READ ${OUT}/run.json run)
string(JSON epoch GET "${run}" epoch)
if(NOT epoch EQUAL 1)
  message(FATAL_ERROR "run.json says epoch ${epoch} after the crash, expected 1")
endif()
execute_process(COMMAND ${TAPENET} train --resume ${OUT} RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "resuming failed (${status}):\n${out}")
endif()
foreach(file model.safetensors optimizer.safetensors)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${REFERENCE}/${file} ${OUT}/${file}
                  RESULT_VARIABLE different)
  if(different)
    message(FATAL_ERROR "${file} after resuming differs from the uninterrupted run's")
  endif()
endforeach()
