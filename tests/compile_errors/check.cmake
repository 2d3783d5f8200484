# Compiles SOURCE, which must fail with a short error that contains EXPECTED: a wrong composition
# of layers should read as one clear complaint, not pages of template instantiations.
separate_arguments(flags UNIX_COMMAND "${FLAGS}")
execute_process(COMMAND ${COMPILER} ${flags} -fsyntax-only ${SOURCE}
                RESULT_VARIABLE result ERROR_VARIABLE errors OUTPUT_VARIABLE errors)
if(result EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must not")
endif()
string(FIND "${errors}" "${EXPECTED}" found)
if(found EQUAL -1)
  message(FATAL_ERROR "the error for ${SOURCE} does not say \"${EXPECTED}\":\n${errors}")
endif()
string(REGEX MATCHALL "error:" error_lines "${errors}")
list(LENGTH error_lines count)
if(count GREATER 3)
  message(FATAL_ERROR "${SOURCE} gives ${count} errors, expected at most 3:\n${errors}")
endif()
message(STATUS "${SOURCE}: ${count} error(s), as expected")
