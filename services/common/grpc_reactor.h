#pragma once

#include <deque>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace stadt {

// Serving unary calls with gRPC's callback (reactor) API instead of the
// synchronous server. The sync server hands every call from the thread that
// read it to a waiting pool thread (a futex wake and a context switch per
// call, and another to get back); the callback server runs the handler on the
// thread that read the request and writes the answer from there.
//
// A handler that blocks (a synchronous Redis round trip) must not run on
// gRPC's callback threads, though: they are few, and while Redis is slow or
// gone every one of them would wait and the server would stop reading calls,
// health checks included. Such handlers run on a BlockingCallPool: a bounded
// set of threads, as many as there are Redis connections (a thread more would
// only wait for a connection), which finish the call from there.
//
// A service adopts it with a front that derives from its generated
// CallbackService and answers each method with one of the two:
//   grpc::ServerUnaryReactor* GetOffice(grpc::CallbackServerContext* context,
//                                       const GetOfficeRequest* request,
//                                       Office* response) override {
//     return ServeInline(context, [&] { return handlers_.GetOffice(context, request, response); });
//   }
// where handlers_ is the service's adapter (taking grpc::ServerContextBase*,
// so that unit tests call it with a plain grpc::ServerContext). A method the
// front does not override compiles but answers UNIMPLEMENTED: each front's
// unit test checks them all (grpc_reactor_testing.h).

// Runs `handler` (returning grpc::Status) now, on the calling gRPC thread, and
// finishes the call with its status. For handlers that never block.
template <typename Handler>
grpc::ServerUnaryReactor* ServeInline(grpc::CallbackServerContext* context, Handler&& handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(std::forward<Handler>(handler)());
  return reactor;
}

// A fixed set of threads running queued tasks in order of arrival. The
// destructor runs what is queued, then joins: destroy it only after the gRPC
// server has shut down (Server::Shutdown returns once every call is finished,
// so no task is queued after that).
class BlockingCallPool {
 public:
  explicit BlockingCallPool(int threads);
  ~BlockingCallPool();
  BlockingCallPool(const BlockingCallPool&) = delete;
  BlockingCallPool& operator=(const BlockingCallPool&) = delete;

  void Run(std::function<void()> task);

 private:
  void Work();

  absl::Mutex mutex_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

// Runs `handler` (returning grpc::Status) on `pool` and finishes the call
// from there. The request, the response and the context stay valid until the
// call is finished, so the handler may use them by reference.
template <typename Handler>
grpc::ServerUnaryReactor* ServeOnPool(BlockingCallPool& pool, grpc::CallbackServerContext* context,
                                      Handler handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pool.Run([reactor, handler = std::move(handler)]() mutable { reactor->Finish(handler()); });
  return reactor;
}

}  // namespace stadt
