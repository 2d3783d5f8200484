# Runs one `tapenet` command and checks how it ends: its exit status (EXIT), and for a failure that
# stderr is exactly one line matching STDERR. Arguments: -DCOMMAND=a;b;c -DEXIT=1 -DSTDERR=regex
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status STREQUAL EXIT)
  message(FATAL_ERROR "exit status ${status}, expected ${EXIT}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED STDERR)
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines lines)
  if(NOT lines EQUAL 1 OR NOT err MATCHES "${STDERR}")
    message(FATAL_ERROR "stderr should be one line matching '${STDERR}', got:\n${err}")
  endif()
endif()
