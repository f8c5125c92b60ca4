#include "gateway/core/linked_apis.h"

#include "stadt/appointments/v1/appointments.pb.h"

namespace stadt::gateway {

std::vector<LinkedApi> LinkedApis() {
  return {
      {"appointments",
       appointments::v1::Office::descriptor()->file()->FindServiceByName("Appointments"),
       "127.0.0.1:50051"},
  };
}

}  // namespace stadt::gateway
