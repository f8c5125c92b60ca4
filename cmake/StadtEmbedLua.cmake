# cmake -DNAMESPACE=stadt::x -DORIGIN=<dir of the scripts, relative to the
#       project> -DHEADER=<out.h> -DSOURCE=<out.cc> -P StadtEmbedLua.cmake -- a_b.lua ...
#
# Run by stadt_lua_library (StadtLua.cmake) at build time: writes HEADER with
# `extern const std::string_view kABLua;` per script and SOURCE with each
# script's text as a raw string literal. The values are constant-initialized,
# so they may be used while other translation units run their static
# initializers. A script that does not end with a newline gets one, so that
# scripts can be concatenated safely.
cmake_minimum_required(VERSION 3.25)

foreach(var NAMESPACE ORIGIN HEADER SOURCE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "StadtEmbedLua.cmake: -D${var}=... missing")
  endif()
endforeach()

set(scripts)
set(after_dashes FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE 0 ${last})
  if(after_dashes)
    list(APPEND scripts "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(after_dashes TRUE)
  endif()
endforeach()
if(NOT scripts)
  message(FATAL_ERROR "StadtEmbedLua.cmake: no scripts after --")
endif()

# Writes the file only when its text changes (callers may then skip rebuilds).
function(write_if_changed path content)
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${content}")
endfunction()

set(banner "// Generated from ${ORIGIN}/*.lua by cmake/StadtEmbedLua.cmake. Do not edit.\n")
set(h "${banner}#pragma once\n\n#include <string_view>\n\nnamespace ${NAMESPACE} {\n\n")
set(cc "${banner}#include \"${ORIGIN}/scripts.h\"\n\nnamespace ${NAMESPACE} {\n")

foreach(script IN LISTS scripts)
  get_filename_component(file "${script}" NAME)
  get_filename_component(stem "${script}" NAME_WE)
  # foo_bar -> kFooBarLua
  string(REPLACE "_" ";" words "${stem}")
  set(id "k")
  foreach(word IN LISTS words)
    string(SUBSTRING "${word}" 0 1 first)
    string(SUBSTRING "${word}" 1 -1 rest)
    string(TOUPPER "${first}" first)
    string(APPEND id "${first}${rest}")
  endforeach()
  string(APPEND id "Lua")

  file(READ "${script}" text)
  if(NOT text MATCHES "\n$")
    string(APPEND text "\n")
  endif()
  # A raw string literal ends at )delimiter": pick one the script does not contain.
  set(delimiter)
  foreach(candidate lua lua_ lua_script lua0 lua1 lua2 lua3 lua4 lua5 lua6 lua7 lua8 lua9)
    string(FIND "${text}" ")${candidate}\"" at)
    if(at EQUAL -1)
      set(delimiter ${candidate})
      break()
    endif()
  endforeach()
  if(NOT delimiter)
    message(FATAL_ERROR "${script}: contains every raw string delimiter StadtEmbedLua.cmake tries")
  endif()

  string(APPEND h "// ${ORIGIN}/${file}\nextern const std::string_view ${id};\n")
  string(APPEND cc "\n// ${ORIGIN}/${file}\n"
                   "constexpr std::string_view ${id} = R\"${delimiter}(${text})${delimiter}\";\n")
endforeach()

string(APPEND h "\n}  // namespace ${NAMESPACE}\n")
string(APPEND cc "\n}  // namespace ${NAMESPACE}\n")
get_filename_component(out_dir "${HEADER}" DIRECTORY)
file(MAKE_DIRECTORY "${out_dir}")
write_if_changed("${HEADER}" "${h}")
write_if_changed("${SOURCE}" "${cc}")
