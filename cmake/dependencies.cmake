# Third-party packages, all from Debian 12 (scripts/setup.sh installs them).
find_package(Threads REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)  # models/analytic/*.cpp only
if(LBSIM_BUILD_TESTS)
  find_package(Catch2 2.13 REQUIRED)
endif()

# Distributed studies (scenarios/studies/study_mpi.cpp only): the MPI C bindings, when an MPI library is
# installed (Debian: openmpi-bin, libopenmpi-dev). Without it lbsim builds and runs studies on
# local threads only.
option(LBSIM_WITH_MPI "Build distributed studies with MPI when an MPI library is found" ON)
if(LBSIM_WITH_MPI)
  include(CheckLanguage)
  check_language(C)
  if(CMAKE_C_COMPILER)
    enable_language(C)  # FindMPI's C component needs the C compiler
    find_package(MPI COMPONENTS C)
  endif()
endif()
if(MPI_C_FOUND)
  message(STATUS "lbsim: MPI ${MPI_C_VERSION} found; mpirun -np N lbsim study spreads runs over ranks")
else()
  message(STATUS "lbsim: MPI not found; studies run on local threads only")
endif()
