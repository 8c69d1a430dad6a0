# lbsim_set_warnings(target): the project's warning set; the build must stay free of them.
function(lbsim_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Woverloaded-virtual)
  # g++ 12 reports -Wrestrict false positives inside std::string's operator+ at -O2/-O3
  # (GCC bug 105329), and with link-time optimization -Wstringop-overflow ones in the same place
  # (GCC bug 105651), wherever inlining happens to put that code; both are off until the compiler
  # is fixed, every other warning stays.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overflow)
    target_link_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overflow)
  endif()
  # No fused multiply-adds: the same seed must give the same numbers on every machine.
  target_compile_options(${target} PRIVATE -ffp-contract=off)
  if(LBSIM_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    # The sanitizer preset compiles at -O1 (half the build time of -O2), where g++ 12 reports
    # -Wmaybe-uninitialized false positives inside libstdc++'s <regex> (std::function moved in
    # _NFA::_M_insert_subexpr_*, GCC bug 105562); they are not lbsim's code, so that one is off there.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
    endif()
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  # The libFuzzer build (scripts/fuzz.sh, clang only): coverage for the fuzzer in every library.
  if(LBSIM_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()
