# Runs an exercise's checks against its untouched stub (cmake -DPROGRAM=<path> -P this file) and
# passes only when they fail the way a student should see them fail: Catch finishes its run and
# reports failed checks, at least one says "not written yet", and nothing crashed or hung.
execute_process(COMMAND ${PROGRAM} RESULT_VARIABLE result OUTPUT_VARIABLE output
                ERROR_VARIABLE output TIMEOUT 100)
message("${output}")
if(NOT result MATCHES "^[0-9]+$")
  message(FATAL_ERROR "the stub's checks did not finish: ${result}")
endif()
if(result EQUAL 0)
  message(FATAL_ERROR "the stub passes its checks: they do not test what the student writes")
endif()
if(NOT output MATCHES "test cases: +[0-9]+ \\| +([0-9]+ passed \\| +)?[0-9]+ failed")
  message(FATAL_ERROR "Catch's summary of failed checks is missing")
endif()
if(NOT output MATCHES "not written yet: ")
  message(FATAL_ERROR "no check failed with \"not written yet\": the stub fails for another reason")
endif()
if(output MATCHES "SIG[A-Z]+|fatal error condition")
  message(FATAL_ERROR "the stub crashed a check instead of failing it")
endif()
