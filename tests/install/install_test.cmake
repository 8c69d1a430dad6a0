# Installs the build into PREFIX (only the lbsim program's component matters), then runs the
# installed lbsim on an installed example: it must find nothing of the build tree.
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${PREFIX}
                RESULT_VARIABLE result OUTPUT_QUIET ERROR_VARIABLE error)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${error}")
endif()
foreach(expected bin/lbsim share/lbsim/examples/mm1.yaml share/doc/lbsim/README.md share/doc/lbsim/teaching.md)
  if(NOT EXISTS ${PREFIX}/${expected})
    message(FATAL_ERROR "cmake --install did not install ${expected}")
  endif()
endforeach()
execute_process(COMMAND ${PREFIX}/bin/lbsim check ${PREFIX}/share/lbsim/examples/mm1.yaml
                WORKING_DIRECTORY ${PREFIX} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
if(NOT result EQUAL 0 OR NOT output MATCHES "mm1")
  message(FATAL_ERROR "the installed lbsim check failed (${result}): ${output}${error}")
endif()
file(REMOVE_RECURSE ${PREFIX})
