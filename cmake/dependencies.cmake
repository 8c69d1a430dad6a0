# Third-party packages, all from Debian 12 (scripts/setup.sh installs them).
find_package(Threads REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
if(LBSIM_BUILD_TESTS)
  find_package(Catch2 2.13 REQUIRED)
endif()
