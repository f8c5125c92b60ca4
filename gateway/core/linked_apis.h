#pragma once

#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"

namespace stadt::gateway {

// The APIs compiled into the gateway. Adding a service to the gateway means
// adding one line to linked_apis.cc and linking its proto library.
struct LinkedApi {
  std::string name;  // short name; the backend address comes from GATEWAY_BACKEND_<NAME>
  const google::protobuf::ServiceDescriptor* service;
  std::string default_address;
};

std::vector<LinkedApi> LinkedApis();

}  // namespace stadt::gateway
