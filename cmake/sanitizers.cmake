# Instrumented builds, each into a build folder of its own (see scripts/test.sh).
#
# PIXPOOL_SANITIZE: everything (libraries, CLI, tests) with AddressSanitizer and
# UndefinedBehaviorSanitizer. -fno-sanitize-recover makes every UB finding abort,
# so it fails the test that hit it instead of scrolling past in a log.
# Tests see PIXPOOL_SANITIZE=1 and skip (saying why in their names) what
# cannot work under ASan, such as an RLIMIT_DATA cap below ASan's shadow memory.
#
# PIXPOOL_FUZZ: clang only; the libraries get -fsanitize=fuzzer-no-link,address,
# undefined (coverage for libFuzzer, no main) and tests/fuzz/ links each harness
# with -fsanitize=fuzzer. See docs/fuzzing.md.
option(PIXPOOL_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(PIXPOOL_FUZZ "Build the libFuzzer harnesses in tests/fuzz (needs clang)" OFF)

set(pixpool_ubsan -fsanitize=undefined -fno-sanitize-recover=all)
# GCC leaves float-cast-overflow out of -fsanitize=undefined; a double too big
# for its integer (a journal's "1e300") is undefined behaviour all the same.
list(APPEND pixpool_ubsan -fsanitize=float-cast-overflow)

# Sanitized tests run slower (a 256 MB result pays a page fault per page of
# every fresh allocation, workers copy ASan's shadow page tables at fork):
# CTest timeouts of the slow suites are multiplied by this.
set(PIXPOOL_TIMEOUT_FACTOR 1)
if(PIXPOOL_SANITIZE)
  set(PIXPOOL_TIMEOUT_FACTOR 3)
  add_compile_options(-fsanitize=address ${pixpool_ubsan} -fno-omit-frame-pointer -g1)
  add_link_options(-fsanitize=address ${pixpool_ubsan})
  add_compile_definitions(PIXPOOL_SANITIZE=1)
endif()

if(PIXPOOL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "PIXPOOL_FUZZ needs clang: -DCMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address ${pixpool_ubsan} -fno-omit-frame-pointer -g1)
  add_link_options(-fsanitize=address ${pixpool_ubsan})
  add_compile_definitions(PIXPOOL_SANITIZE=1)
endif()
