# Every shipped scenario (examples/ and examples/teaching/) as a two-replication study, run with
# --jobs 1, with --jobs 2 and under `mpirun -np 2` (when MPIEXEC is given): runs.csv, which holds
# each run's fingerprint and reported metrics, must be byte-identical every time. Given REFERENCE
# (another build of lbsim, the release one when this is the sanitizer build), the runs of this
# build with --jobs 2 are compared with REFERENCE's with --jobs 1 instead, which keeps the slow
# sanitizer build to one pass.
#   cmake -DLBSIM=... -DEXAMPLES=... -DWORK=... [-DMPIEXEC=...] [-DREFERENCE=...] -P every_scenario_determinism.cmake
foreach(var LBSIM EXAMPLES WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "every_scenario_determinism.cmake needs -D${var}=...")
  endif()
endforeach()
set(ENV{OMPI_MCA_rmaps_base_oversubscribe} 1)
set(ENV{OMPI_MCA_btl_vader_single_copy_mechanism} none)
set(ENV{LBSIM_MPI} "")

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
# The one long example (10 simulated minutes, a minute of wall time) runs one simulated minute here:
# the property is the same, at a tenth of the cost.
set(shorter_api-gateway --set "duration=1 min")
file(GLOB scenarios "${EXAMPLES}/*.yaml" "${EXAMPLES}/teaching/*.yaml")
list(SORT scenarios)

function(run_study label study out)
  execute_process(COMMAND ${ARGN} "${study}" --out "${out}" ${shorter_${name}}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr TIMEOUT 600)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${label}: exit ${rc}\n${stdout}\n${stderr}")
  endif()
endfunction()

set(count 0)
foreach(scenario IN LISTS scenarios)
  file(STRINGS "${scenario}" top REGEX "^(study|plan):")
  if(top)
    continue()  # a study or plan file, not a scenario
  endif()
  get_filename_component(name "${scenario}" NAME_WE)
  set(dir "${WORK}/${name}")
  file(WRITE "${dir}/study.yaml" "study: determinism-${name}\nscenario: ${scenario}\nreplications: 2\n")
  if(REFERENCE)
    if(NOT EXISTS "${REFERENCE}")
      message(STATUS "no ${REFERENCE}: nothing to compare this build with")
      return()
    endif()
    run_study("${name} with ${REFERENCE}" "${dir}/study.yaml" "${dir}/jobs1" "${REFERENCE}" study --jobs 1)
    set(variants this-build-jobs2)
    run_study("${name} --jobs 2" "${dir}/study.yaml" "${dir}/this-build-jobs2" "${LBSIM}" study --jobs 2)
  else()
    run_study("${name} --jobs 1" "${dir}/study.yaml" "${dir}/jobs1" "${LBSIM}" study --jobs 1)
    set(variants jobs2)
    run_study("${name} --jobs 2" "${dir}/study.yaml" "${dir}/jobs2" "${LBSIM}" study --jobs 2)
    if(MPIEXEC)
      list(APPEND variants np2)
      run_study("${name} mpirun -np 2" "${dir}/study.yaml" "${dir}/np2"
                "${MPIEXEC}" --oversubscribe --allow-run-as-root -np 2 "${LBSIM}" study)
    endif()
  endif()
  foreach(variant IN LISTS variants)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${dir}/jobs1/runs.csv" "${dir}/${variant}/runs.csv"
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${name}: runs.csv of ${variant} differs from --jobs 1 (${dir})")
    endif()
  endforeach()
  math(EXPR count "${count} + 1")
  message(STATUS "${name}: identical (jobs1 ${variants})")
endforeach()
if(count LESS 40)
  message(FATAL_ERROR "only ${count} shipped scenarios found under ${EXAMPLES}")
endif()
message(STATUS "${count} shipped scenarios: runs.csv identical with --jobs 1 and ${variants}")
file(REMOVE_RECURSE "${WORK}")
