# stadt_lua_library(name NAMESPACE stadt::x SCRIPTS lua/a_b.lua lua/c.lua ...)
#
# Embeds Redis Lua scripts into C++. At build time (cmake/StadtEmbedLua.cmake,
# rerun whenever a script changes) the scripts of one source directory, say
# services/x/store/lua/, become a header and a .cc under
# ${PROJECT_BINARY_DIR}/lua_gen, included as
#   #include "services/x/store/lua/scripts.h"
# where each a_b.lua is `extern const std::string_view kABLua;` in NAMESPACE.
# The STATIC library `name` holds the text; link it from the library whose
# code runs the scripts.
#
# With STADT_BUILD_TESTS, CTest test lua_syntax_<name> (label unit) checks
# the syntax of every script with luac5.1 -p (Redis embeds Lua 5.1).
function(stadt_lua_library name)
  cmake_parse_arguments(ARG "" "NAMESPACE" "SCRIPTS" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS OR NOT ARG_NAMESPACE OR NOT ARG_SCRIPTS)
    message(FATAL_ERROR "usage: stadt_lua_library(<name> NAMESPACE <ns> SCRIPTS <files.lua...>)")
  endif()

  set(scripts)
  set(names)
  set(script_dir)
  foreach(script IN LISTS ARG_SCRIPTS)
    get_filename_component(abs ${script} ABSOLUTE)
    get_filename_component(dir ${abs} DIRECTORY)
    get_filename_component(file ${abs} NAME)
    # snake_case: the C++ name is derived from it and must be unique.
    if(NOT file MATCHES "^[a-z][a-z0-9]*(_[a-z0-9]+)*\\.lua$")
      message(FATAL_ERROR "${name}: ${script}: expected a snake_case name ending in .lua")
    endif()
    if(NOT EXISTS ${abs})
      message(FATAL_ERROR "${name}: ${script} does not exist")
    endif()
    if(script_dir AND NOT dir STREQUAL script_dir)
      message(FATAL_ERROR "${name}: all scripts of one library must be in one directory")
    endif()
    if(file IN_LIST names)
      message(FATAL_ERROR "${name}: ${script} is listed twice")
    endif()
    set(script_dir ${dir})
    list(APPEND names ${file})
    list(APPEND scripts ${abs})
  endforeach()

  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${script_dir})
  if(rel STREQUAL "" OR rel MATCHES "^\\.\\.")
    message(FATAL_ERROR "${name}: the scripts must be in a directory below ${PROJECT_SOURCE_DIR}")
  endif()
  get_property(owner GLOBAL PROPERTY STADT_LUA_LIBRARY_OF_${rel})
  if(owner)
    message(FATAL_ERROR "${name}: ${rel} already belongs to Lua library ${owner}")
  endif()
  set_property(GLOBAL PROPERTY STADT_LUA_LIBRARY_OF_${rel} ${name})

  set(gen_root ${PROJECT_BINARY_DIR}/lua_gen)
  set(header ${gen_root}/${rel}/scripts.h)
  set(source ${gen_root}/${rel}/scripts.cc)
  set(generator ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/StadtEmbedLua.cmake)
  # The header is a byproduct, rewritten only when the list of scripts changes
  # (Ninja re-stats byproducts), so editing a script recompiles only scripts.cc.
  add_custom_command(
    OUTPUT ${source}
    BYPRODUCTS ${header}
    COMMAND ${CMAKE_COMMAND} -DNAMESPACE=${ARG_NAMESPACE} -DORIGIN=${rel}
            -DHEADER=${header} -DSOURCE=${source} -P ${generator} -- ${scripts}
    DEPENDS ${scripts} ${generator}
    COMMENT "Embedding Lua scripts of ${rel}"
    VERBATIM)

  add_library(${name} STATIC ${source} ${header})
  target_include_directories(${name} PUBLIC ${gen_root})
  target_link_libraries(${name} PRIVATE stadt_compile_options)

  if(STADT_BUILD_TESTS)
    find_program(STADT_LUAC luac5.1)
    if(NOT STADT_LUAC)
      message(FATAL_ERROR "luac5.1 not found (Debian package lua5.1, see deploy/setup.sh); "
                          "it checks the Redis scripts' syntax in the tests")
    endif()
    add_test(NAME lua_syntax_${name} COMMAND ${STADT_LUAC} -p ${scripts})
    set_tests_properties(lua_syntax_${name} PROPERTIES LABELS unit)
  endif()
endfunction()
