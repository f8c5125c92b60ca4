#include "gateway/core/grpc_backends.h"

#include <algorithm>
#include <atomic>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/channel_arguments.h"

namespace stadt::gateway {
namespace {

constexpr char kHealthCheckPath[] = "/grpc.health.v1.Health/Check";
constexpr int kHealthStatusField = 1;
constexpr int kServing = 1;

// State of one in-flight call; owned by the completion callback.
struct InFlight {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
};

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromByteBuffer(const grpc::ByteBuffer& buffer) {
  // A small answer arrives as one slice: one copy, no slice vector.
  if (grpc::Slice single; buffer.TrySingleSlice(&single).ok()) {
    return std::string(reinterpret_cast<const char*>(single.begin()), single.size());
  }
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

void StartUnary(grpc::GenericStub& stub, const std::string& path, const std::string& request,
                absl::Duration timeout,
                const std::vector<std::pair<std::string, std::string>>& metadata, CallDone done) {
  auto* in_flight = new InFlight();
  in_flight->request = ToByteBuffer(request);
  in_flight->context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  for (const auto& [key, value] : metadata) in_flight->context.AddMetadata(key, value);
  stub.UnaryCall(&in_flight->context, path, grpc::StubOptions(), &in_flight->request,
                 &in_flight->response,
                 [in_flight, done = std::move(done)](const grpc::Status& status) {
                   std::unique_ptr<InFlight> owned(in_flight);
                   done(status, status.ok() ? FromByteBuffer(owned->response) : std::string());
                 });
}

}  // namespace

bool IsServingHealthResponse(const std::string& serialized) {
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(serialized)) return false;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& field = fields.field(i);
    if (field.number() == kHealthStatusField &&
        field.type() == google::protobuf::UnknownField::TYPE_VARINT) {
      return field.varint() == kServing;
    }
  }
  return false;
}

GrpcBackends::GrpcBackends(const std::map<std::string, std::string>& addresses,
                           const std::set<std::string>& readiness)
    : readiness_(readiness) {
  for (const auto& [service, address] : addresses) {
    Backend backend;
    // Plain-text inside the cluster; see services/common/grpc_server.cc.
    // Reconnect soon after a restarted service listens again: gRPC's default
    // backoff grows to two minutes while a backend is down.
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
    backend.channel =
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
    backend.stub = std::make_unique<grpc::GenericStub>(backend.channel);
    backends_.emplace(service, std::move(backend));
  }
}

void GrpcBackends::Call(BackendCall call, CallDone done) {
  auto it = backends_.find(call.service);
  if (it == backends_.end()) {
    done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "no backend"), "");
    return;
  }
  StartUnary(*it->second.stub, call.grpc_path, call.request, call.timeout, call.metadata,
             std::move(done));
}

void GrpcBackends::CheckHealth(absl::Duration timeout, HealthDone done) {
  struct Poll {
    absl::Mutex mutex;
    std::vector<BackendHealth> backends ABSL_GUARDED_BY(mutex);
    std::atomic<size_t> pending;
    HealthDone done;
  };
  std::vector<std::pair<std::string, Backend*>> checked;
  for (auto& [service, backend] : backends_) {
    if (readiness_.empty() || readiness_.contains(service)) checked.emplace_back(service, &backend);
  }
  if (checked.empty()) {
    done({});
    return;
  }
  auto poll = std::make_shared<Poll>();
  poll->pending = checked.size();
  poll->done = std::move(done);
  for (auto& [service, backend] : checked) {
    StartUnary(*backend->stub, kHealthCheckPath, /*request=*/"", timeout, {},
               [poll, name = service](const grpc::Status& status, const std::string& response) {
                 {
                   absl::MutexLock lock(&poll->mutex);
                   poll->backends.push_back(
                       {name, status.ok() && IsServingHealthResponse(response), false});
                 }
                 if (--poll->pending == 0) {
                   // The last answer: every other callback is done with the list.
                   std::vector<BackendHealth> backends;
                   {
                     absl::MutexLock lock(&poll->mutex);
                     backends = std::move(poll->backends);
                   }
                   std::sort(backends.begin(), backends.end(),
                             [](const BackendHealth& a, const BackendHealth& b) {
                               return a.service < b.service;
                             });
                   poll->done(std::move(backends));
                 }
               });
  }
}

}  // namespace stadt::gateway
