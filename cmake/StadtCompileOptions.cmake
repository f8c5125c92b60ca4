# Warnings and sanitizers for project code only (third-party headers come in as
# system includes, so their warnings do not fail the build).
add_library(stadt_compile_options INTERFACE)
target_compile_options(stadt_compile_options INTERFACE -Wall -Wextra -Werror)

# One clang build can carry both: the sanitizers for the tests and the
# coverage instrumentation for libFuzzer (CMakePresets.json, preset sanitizers).
if(STADT_BUILD_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "STADT_BUILD_FUZZ needs clang: cmake --preset fuzz (or sanitizers)")
endif()
if(STADT_SANITIZE OR STADT_BUILD_FUZZ)
  set(_stadt_san -fsanitize=address,undefined -fno-sanitize-recover=undefined
                 -fno-omit-frame-pointer)
  # Sanitizers must cover everything linked into a binary, including generated code.
  add_compile_options(${_stadt_san})
  add_link_options(${_stadt_san})
endif()
if(STADT_BUILD_FUZZ)
  # Coverage feedback for libFuzzer in every project library; only the fuzz
  # binaries themselves link libFuzzer's main (fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # The compiler checks what "guarded by" comments used to promise (STYLE.md).
  target_compile_options(stadt_compile_options INTERFACE -Wthread-safety)
endif()

# stadt_add_library(name SOURCES ... DEPS ...): one component = one target.
function(stadt_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  # Generated code is reachable only by linking its stadt_proto_* library.
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE stadt_compile_options)
  if(CMAKE_CURRENT_SOURCE_DIR MATCHES "/domain$")
    stadt_check_domain(${name})  # StadtDomainRules.cmake
  endif()
endfunction()

# stadt_add_test(name SOURCES ... DEPS ... LABELS ...): a GoogleTest binary registered with CTest.
function(stadt_add_test name)
  if(NOT STADT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main stadt_compile_options)
  gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()

# stadt_add_cluster_test(name [ONLY gtest-patterns...] [EXCLUDE gtest-patterns...]):
# runs the Redis or e2e test binary `name` (made by stadt_add_test) once more as a
# whole with STADT_TEST_REDIS_MODE=cluster, as the CTest test `name.cluster`
# (labels redis and cluster): testing::RedisTest then uses one three-primary
# Redis Cluster for the run, and testing::Stack starts its services on one.
# ONLY picks tests, EXCLUDE drops those that need the single server itself
# (kill it, restart it); both are joined into --gtest_filter.
function(stadt_add_cluster_test name)
  if(NOT STADT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "ONLY;EXCLUDE" ${ARGN})
  set(filter "*")
  if(ARG_ONLY)
    list(JOIN ARG_ONLY ":" filter)
  endif()
  if(ARG_EXCLUDE)
    list(JOIN ARG_EXCLUDE ":" excluded)
    string(APPEND filter "-${excluded}")
  endif()
  add_test(NAME ${name}.cluster COMMAND ${name} --gtest_filter=${filter})
  # COST: a whole binary in one test, among the longest of the suite; started
  # first, so that a clean run (no timings of an earlier one) does not end
  # with them alone on one core.
  set_tests_properties(${name}.cluster PROPERTIES LABELS "redis;cluster"
                       ENVIRONMENT "STADT_TEST_REDIS_MODE=cluster" TIMEOUT 900 COST 1000)
endfunction()
