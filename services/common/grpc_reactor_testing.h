#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace grpc {
class Service;
}

namespace stadt::testing {

// Serves `service` in process, calls every method the proto declares for
// `service_full_name` with an empty request and returns those that answered
// UNIMPLEMENTED. A callback front (services/common/grpc_reactor.h) must
// override each method: one it misses compiles, but answers UNIMPLEMENTED
// (a new RPC added to the proto without its line in the front).
std::vector<std::string> MethodsAnsweringUnimplemented(grpc::Service& service,
                                                       std::string_view service_full_name);

}  // namespace stadt::testing
