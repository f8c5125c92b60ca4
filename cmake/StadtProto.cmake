# stadt_proto_library(name PROTOS a.proto b.proto DEPS other_proto_lib)
# Generates C++ message and gRPC code into the build tree at build time.
function(stadt_proto_library name)
  cmake_parse_arguments(ARG "" "" "PROTOS;DEPS" ${ARGN})
  set(proto_root ${PROJECT_SOURCE_DIR}/proto)
  set(out_root ${PROJECT_BINARY_DIR}/proto)
  file(MAKE_DIRECTORY ${out_root})
  set(generated)
  foreach(proto ${ARG_PROTOS})
    get_filename_component(abs ${proto} ABSOLUTE)
    file(RELATIVE_PATH rel ${proto_root} ${abs})
    string(REGEX REPLACE "\\.proto$" "" stem ${rel})
    set(outs ${out_root}/${stem}.pb.cc ${out_root}/${stem}.pb.h
             ${out_root}/${stem}.grpc.pb.cc ${out_root}/${stem}.grpc.pb.h)
    add_custom_command(
      OUTPUT ${outs}
      COMMAND protobuf::protoc
              --proto_path=${proto_root}
              --cpp_out=${out_root}
              --grpc_out=${out_root}
              --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>
              ${abs}
      DEPENDS ${abs} protobuf::protoc
      COMMENT "protoc ${rel}"
      VERBATIM)
    list(APPEND generated ${outs})
  endforeach()
  add_library(${name} STATIC ${generated})
  target_include_directories(${name} SYSTEM PUBLIC ${out_root})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} protobuf::libprotobuf gRPC::grpc++)
endfunction()
