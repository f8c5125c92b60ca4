#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/core/backends.h"
#include "services/common/clock.h"

namespace stadt::gateway {

struct ResilienceOptions {
  // Consecutive transport failures (UNAVAILABLE, DEADLINE_EXCEEDED) that open
  // a backend's circuit; 0 disables the breaker.
  int breaker_failures = 5;
  // How long an open circuit fails calls fast before one probe may pass.
  absl::Duration breaker_cooldown = absl::Seconds(10);
  // Retries of idempotent calls may add at most this share of the calls
  // (0.1 = 10 %), so that retries cannot multiply load on a struggling
  // backend; 0 disables retries.
  double retry_budget_ratio = 0.1;
  // Retries a backend may bank while idle, so that the first failures after
  // a quiet period can still be retried.
  double retry_budget_max = 10;
};

// Wraps the real backends with a circuit breaker and a retry budget per
// backend. Only idempotent calls that failed with UNAVAILABLE (the request
// did not reach a server) are retried, once. An open circuit answers
// UNAVAILABLE "circuit open" at once instead of letting requests pile up on a
// backend that is down.
class ResilientBackends final : public Backends {
 public:
  ResilientBackends(Backends& inner, const Clock& clock, ResilienceOptions options)
      : inner_(inner), clock_(clock), options_(options) {}

  void Call(BackendCall call, CallDone done) override;
  void CheckHealth(absl::Duration timeout, HealthDone done) override {
    inner_.CheckHealth(timeout, std::move(done));
  }

 private:
  struct State {
    int consecutive_failures = 0;
    absl::Time open_until = absl::InfinitePast();
    bool probing = false;  // half-open: one call is testing the backend
    double retry_tokens = 0;
  };

  // Whether a call may go out now; marks the half-open probe.
  bool Admit(const std::string& service);
  void Record(const std::string& service, const grpc::Status& status);
  bool TakeRetryToken(const std::string& service);
  void Attempt(const std::shared_ptr<BackendCall>& call, bool may_retry, CallDone done);

  Backends& inner_;
  const Clock& clock_;
  const ResilienceOptions options_;
  absl::Mutex mu_;
  std::map<std::string, State> states_ ABSL_GUARDED_BY(mu_);
};

}  // namespace stadt::gateway
