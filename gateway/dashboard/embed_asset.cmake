# cmake -DINPUT=<file> -DOUTPUT=<file.inc> -P embed_asset.cmake
# Writes the bytes of INPUT as a comma-separated list of hex literals, to be
# included inside the braces of an `unsigned char` array: every byte (quotes,
# backslashes, a `)"` that would end a raw string) embeds as it is. One line
# of output per line of input.
file(READ "${INPUT}" hex HEX)
if(hex STREQUAL "")
  message(FATAL_ERROR "${INPUT} is empty")
endif()
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REPLACE "0x0a," "0x0a,\n" bytes "${bytes}")
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}"
     "// Generated from gateway/dashboard/${name} by embed_asset.cmake; do not edit.\n${bytes}\n")
