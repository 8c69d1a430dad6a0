# `mpirun -np 3 lbsim study` against a plain single process: runs.csv and summary.csv must be
# byte-identical (their fingerprints prove identical trajectories). Also -np 1, MPI initialised
# without mpirun (LBSIM_MPI=1, a singleton), and a second -np 3 study on the same folder, which
# must reuse every run from study.db. Then `lbsim plan` (PLAN) under mpirun -np 3 against one process:
# plan.csv byte-identical.
#   cmake -DLBSIM=... -DMPIEXEC=... -DSTUDY=... -DPLAN=... -DWORK=... -P study_mpi_test.cmake
foreach(var LBSIM MPIEXEC STUDY PLAN WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "study_mpi_test.cmake needs -D${var}=...")
  endif()
endforeach()

# Root in containers needs --allow-run-as-root; --oversubscribe lets 3 ranks share fewer cores.
# Shared memory (vader) works in Debian 12 containers here; OMPI_MCA_btl_vader_single_copy_mechanism
# =none avoids CMA (process_vm_readv), which containers without CAP_SYS_PTRACE refuse.
set(ENV{OMPI_MCA_rmaps_base_oversubscribe} 1)
set(ENV{OMPI_MCA_btl_vader_single_copy_mechanism} none)
set(MPIRUN ${MPIEXEC} --oversubscribe --allow-run-as-root)

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

function(run_study name)
  execute_process(COMMAND ${ARGN} "${STUDY}" --out "${WORK}/${name}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name}: exit ${rc}\n${out}\n${err}")
  endif()
  message(STATUS "${name}:\n${err}${out}")
  set(last_output "${err}${out}" PARENT_SCOPE)
endfunction()

function(same name)
  foreach(f runs.csv summary.csv)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${WORK}/single/${f}" "${WORK}/${name}/${f}"
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${name}/${f} differs from the single-process ${f}")
    endif()
  endforeach()
endfunction()

set(ENV{LBSIM_MPI} "")
run_study(single "${LBSIM}" study --jobs 1)
run_study(np3 ${MPIRUN} -np 3 "${LBSIM}" study)
same(np3)
if(NOT last_output MATCHES "on 2 MPI workers \\(3 ranks")
  message(FATAL_ERROR "np3: the study did not say it ran on 2 MPI workers")
endif()
run_study(np3 ${MPIRUN} -np 3 "${LBSIM}" study)  # again: everything reused from study.db
same(np3)
if(NOT last_output MATCHES "18 already in")
  message(FATAL_ERROR "np3 again: the runs were not reused from study.db")
endif()
run_study(np3-jobs ${MPIRUN} -np 3 "${LBSIM}" study --jobs 1)  # rank 0 runs some too
same(np3-jobs)
run_study(np1 ${MPIRUN} -np 1 "${LBSIM}" study --jobs 2)
same(np1)
set(ENV{LBSIM_MPI} 1)
run_study(singleton "${LBSIM}" study --jobs 2)  # MPI_Init without mpirun: one rank
same(singleton)
message(STATUS "runs.csv and summary.csv are byte-identical for -np 3, -np 1, a singleton and one process")

set(ENV{LBSIM_MPI} "")
function(run_plan name)
  execute_process(COMMAND ${ARGN} "${PLAN}" --out "${WORK}/${name}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name}: exit ${rc}\n${out}\n${err}")
  endif()
  message(STATUS "${name}:\n${err}${out}")
  set(last_output "${err}${out}" PARENT_SCOPE)
endfunction()
run_plan(plan-single "${LBSIM}" plan --jobs 1)
run_plan(plan-np3 ${MPIRUN} -np 3 "${LBSIM}" plan)
if(NOT last_output MATCHES "runs on 2 MPI workers")
  message(FATAL_ERROR "plan-np3: the plan did not say it ran on 2 MPI workers")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${WORK}/plan-single/plan.csv" "${WORK}/plan-np3/plan.csv"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "plan-np3/plan.csv differs from the single-process plan.csv")
endif()
message(STATUS "plan.csv is byte-identical for -np 3 and one process")
