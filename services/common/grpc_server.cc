#include "services/common/grpc_server.h"

#include <csignal>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "services/common/log.h"

namespace stadt {
namespace {

constexpr int kMaxIdleServerThreads = 64;

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// Waits up to `timeout` for SIGTERM/SIGINT; true if one arrived.
bool WaitForTermination(absl::Duration timeout) {
  const sigset_t set = TerminationSignals();
  const timespec wait = absl::ToTimespec(timeout);
  return sigtimedwait(&set, nullptr, &wait) > 0;
}

void PublishReadiness(grpc::Server& server, bool ready, bool* last) {
  if (ready == *last) return;
  server.GetHealthCheckService()->SetServingStatus(ready);
  log::Write(ready ? log::Level::kInfo : log::Level::kWarn, ready ? "ready" : "not_ready");
  *last = ready;
}

}  // namespace

void BlockTerminationSignals() {
  const sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

absl::Status RunGrpcServer(const GrpcServerOptions& options,
                           const std::vector<grpc::Service*>& services,
                           const std::function<bool()>& ready) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int bound_port = 0;
  // Plain-text inside the cluster: the gateway terminates TLS at the edge and
  // network policy limits who reaches the services.
  builder.AddListeningPort(options.address, grpc::InsecureServerCredentials(), &bound_port);
  // gRPC would share a port already in use (SO_REUSEPORT): a second process
  // started on the same address by mistake would silently take half of the
  // connections. Refuse to start instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // gRPC's sync server starts a thread whenever a call leaves fewer than
  // MIN_POLLERS threads waiting and ends every thread that finds MAX_POLLERS
  // (default 2) already waiting. Under a rush of concurrent calls that means a
  // thread created and destroyed for nearly every call; letting the threads a
  // rush needed stay (they sleep when idle) removes that churn.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              kMaxIdleServerThreads);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.address));
  }
  log::Info("listening", {{"address", options.address}, {"port", bound_port}});

  bool last_ready = true;
  PublishReadiness(*server, ready(), &last_ready);
  while (!WaitForTermination(options.readiness_interval)) {
    PublishReadiness(*server, ready(), &last_ready);
  }

  log::Info("draining", {{"timeout_ms", absl::ToInt64Milliseconds(options.drain_timeout)}});
  server->GetHealthCheckService()->SetServingStatus(false);
  server->Shutdown(absl::ToChronoTime(absl::Now() + options.drain_timeout));
  server->Wait();
  log::Info("stopped");
  return absl::OkStatus();
}

}  // namespace stadt
