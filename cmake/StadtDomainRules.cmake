# The dependency rule of the architecture, checked by the build:
#   main -> rpc -> domain <- store
# A target in a domain/ folder may link neither gRPC, Protobuf, generated code
# nor hiredis (directly or through another target), and its files may not
# include their headers (StadtCheckDomainIncludes.cmake). stadt_add_library
# calls stadt_check_domain for every library whose folder is named domain.

set(STADT_DOMAIN_FORBIDDEN_LINKS
  "^gRPC::" "^protobuf::" "^PkgConfig::HIREDIS$" "^stadt_proto_" "^stadt_redis$" "hiredis"
  "^stadt_status$" "^stadt_call_context$" "^stadt_grpc_server$" "^stadt_kpi_grpc$")

# Appends to out_var every library `target` links, transitively.
function(_stadt_link_closure target out_var)
  set(seen ${${out_var}})
  set(pending ${target})
  while(pending)
    list(POP_FRONT pending current)
    if(NOT TARGET ${current})
      continue()
    endif()
    get_target_property(type ${current} TYPE)
    set(links "")
    if(NOT type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(direct ${current} LINK_LIBRARIES)
      if(direct)
        list(APPEND links ${direct})
      endif()
    endif()
    get_target_property(interface ${current} INTERFACE_LINK_LIBRARIES)
    if(interface)
      list(APPEND links ${interface})
    endif()
    foreach(link IN LISTS links)
      # $<LINK_ONLY:x> and similar wrappers name a library too.
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
      if(link AND NOT link IN_LIST seen)
        list(APPEND seen ${link})
        list(APPEND pending ${link})
      endif()
    endforeach()
  endwhile()
  set(${out_var} ${seen} PARENT_SCOPE)
endfunction()

# Fails the configure step when `target` links a forbidden library.
function(stadt_check_domain_links target)
  set(closure "")
  _stadt_link_closure(${target} closure)
  foreach(link IN LISTS closure)
    foreach(pattern IN LISTS STADT_DOMAIN_FORBIDDEN_LINKS)
      if(link MATCHES "${pattern}")
        message(FATAL_ERROR "domain target ${target} links ${link}: domain/ is plain C++ "
                            "(no gRPC, Protobuf, generated code or hiredis); put the adapter "
                            "in store/ or rpc/")
      endif()
    endforeach()
  endforeach()
endfunction()

# Checks `target` (a library in a domain/ folder): its links once every target
# exists (at the end of the configure step), its includes on every build.
function(stadt_check_domain target)
  cmake_language(EVAL CODE "
    cmake_language(DEFER DIRECTORY [[${PROJECT_SOURCE_DIR}]] CALL stadt_check_domain_links [[${target}]])")
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.h"
                                      "${CMAKE_CURRENT_SOURCE_DIR}/*.cc")
  set(stamp "${CMAKE_CURRENT_BINARY_DIR}/${target}_includes.checked")
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DDIR=${CMAKE_CURRENT_SOURCE_DIR} -DSTAMP=${stamp}
            -P ${PROJECT_SOURCE_DIR}/cmake/StadtCheckDomainIncludes.cmake
    DEPENDS ${sources} ${PROJECT_SOURCE_DIR}/cmake/StadtCheckDomainIncludes.cmake
    COMMENT "domain rules: includes of ${target}"
    VERBATIM)
  add_custom_target(${target}_includes_check DEPENDS ${stamp})
  add_dependencies(${target} ${target}_includes_check)
endfunction()
