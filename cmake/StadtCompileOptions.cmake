# Warnings and sanitizers for project code only (third-party headers come in as
# system includes, so their warnings do not fail the build).
add_library(stadt_compile_options INTERFACE)
target_compile_options(stadt_compile_options INTERFACE -Wall -Wextra -Werror)

if(STADT_SANITIZE)
  set(_stadt_san -fsanitize=address,undefined -fno-sanitize-recover=undefined
                 -fno-omit-frame-pointer)
  # Sanitizers must cover everything linked into a binary, including generated code.
  add_compile_options(${_stadt_san})
  add_link_options(${_stadt_san})
endif()

if(STADT_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "STADT_BUILD_FUZZ needs clang: CC=clang CXX=clang++ cmake ...")
  endif()
  # Coverage feedback for libFuzzer and sanitizers in every project library;
  # only the fuzz binaries themselves link libFuzzer's main (fuzz/CMakeLists.txt).
  set(_stadt_fuzz_san -fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_compile_options(-fsanitize=fuzzer-no-link ${_stadt_fuzz_san})
  add_link_options(${_stadt_fuzz_san})
endif()

# stadt_add_library(name SOURCES ... DEPS ...): one component = one target.
function(stadt_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/proto)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE stadt_compile_options)
endfunction()

# stadt_add_test(name SOURCES ... DEPS ... LABELS ...): a GoogleTest binary registered with CTest.
function(stadt_add_test name)
  if(NOT STADT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/proto)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main stadt_compile_options)
  gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()
