#include "services/common/grpc_reactor_testing.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/channel_arguments.h"

namespace stadt::testing {

std::vector<std::string> MethodsAnsweringUnimplemented(grpc::Service& service,
                                                       std::string_view service_full_name) {
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(service_full_name));
  if (descriptor == nullptr) return {"no such service: " + std::string(service_full_name)};
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) return {"the server did not start"};
  grpc::GenericStub stub(server->InProcessChannel(grpc::ChannelArguments()));
  std::vector<std::string> unimplemented;
  for (int i = 0; i < descriptor->method_count(); ++i) {
    const std::string path =
        absl::StrCat("/", descriptor->full_name(), "/", descriptor->method(i)->name());
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    grpc::Slice empty;
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    grpc::Status status;
    absl::Notification done;
    stub.UnaryCall(&context, path, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status answered) {
                     status = std::move(answered);
                     done.Notify();
                   });
    done.WaitForNotification();
    if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      unimplemented.push_back(descriptor->method(i)->name());
    }
  }
  server->Shutdown();
  return unimplemented;
}

}  // namespace stadt::testing
