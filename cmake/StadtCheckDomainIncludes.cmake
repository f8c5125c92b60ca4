# cmake -DDIR=<a domain/ folder> [-DSTAMP=<file>] -P StadtCheckDomainIncludes.cmake
#
# Domain code is plain C++ (README, "Architecture"): it must not include gRPC,
# Protobuf or generated code, hiredis, or the store/ and rpc/ layers that adapt
# it; and only tests (and other doubles) may include a test double
# (fake_*.h, in_memory_*.h). The include path alone cannot stop this (gRPC's headers sit in
# /usr/include), so every file of the folder is read; the first offending
# include fails the build with its file and line.
if(NOT DIR)
  message(FATAL_ERROR "usage: cmake -DDIR=<domain folder> [-DSTAMP=<file>] -P ${CMAKE_CURRENT_LIST_FILE}")
endif()

get_filename_component(DIR "${DIR}" ABSOLUTE)

set(_forbidden
  "grpc/" "grpcpp/" "grpc\\+\\+/" "google/protobuf/" "\\.pb\\.h" "hiredis"
  "services/([a-z_]+/)+store/" "services/([a-z_]+/)+rpc/" "services/common/redis/"
  "services/common/kpi/grpc_" "services/common/status\\.h" "services/common/call_context\\.h"
  "services/common/grpc_server\\.h" "gateway/")

file(GLOB _files "${DIR}/*.h" "${DIR}/*.cc")
set(_violations "")
foreach(_file IN LISTS _files)
  file(STRINGS "${_file}" _includes REGEX "^[ \t]*#[ \t]*include")
  get_filename_component(_name "${_file}" NAME)
  set(_patterns ${_forbidden})
  if(NOT _name MATCHES "(_test\\.cc|^(test|fake|in_memory)_.*\\.h)$")
    list(APPEND _patterns "/fake_[a-z_]+\\.h" "/in_memory_[a-z_]+\\.h")
  endif()
  foreach(_line IN LISTS _includes)
    foreach(_pattern IN LISTS _patterns)
      if(_line MATCHES "[\"<][^\">]*${_pattern}")
        file(RELATIVE_PATH _shown "${DIR}/.." "${_file}")
        string(APPEND _violations "\n  ${_shown}: ${_line}")
        break()
      endif()
    endforeach()
  endforeach()
endforeach()

if(_violations)
  message(FATAL_ERROR "domain code includes a framework or adapter header "
                      "(domain/ is plain C++: no gRPC, Protobuf, hiredis, store/ or rpc/; test "
                      "doubles only in tests):"
                      "${_violations}")
endif()
if(STAMP)
  file(TOUCH "${STAMP}")
endif()
