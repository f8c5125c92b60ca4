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
  // a backend's circuit; 0 disables the breaker. An UNAVAILABLE the service
  // answers about its own dependency (IsDependencyUnavailable) is an answer,
  // not a failure: the backend is reachable.
  int breaker_failures = 5;
  // How long an open circuit fails calls fast before one probe may pass. The
  // first cooldown is short, so a backend back after a blip is used again at
  // once; each failed probe doubles it, up to the maximum.
  absl::Duration breaker_cooldown = absl::Milliseconds(250);
  absl::Duration breaker_max_cooldown = absl::Seconds(1);
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
  // The inner backends' health, with each backend's breaker state.
  void CheckHealth(absl::Duration timeout, HealthDone done) override;
  std::vector<std::string> OpenCircuits() const override;

 private:
  struct State {
    int consecutive_failures = 0;
    absl::Time open_until = absl::InfinitePast();
    absl::Duration cooldown;  // of the current opening; doubles per failed probe
    bool probing = false;     // half-open: one call is testing the backend
    double retry_tokens = 0;
  };

  // Whether a call may go out now; marks the half-open probe.
  bool Admit(const std::string& service);
  bool IsOpen(const State& state) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Record(const std::string& service, const grpc::Status& status);
  bool TakeRetryToken(const std::string& service);
  void Attempt(const std::shared_ptr<BackendCall>& call, bool may_retry, CallDone done);

  Backends& inner_;
  const Clock& clock_;
  const ResilienceOptions options_;
  mutable absl::Mutex mu_;
  std::map<std::string, State> states_ ABSL_GUARDED_BY(mu_);
};

}  // namespace stadt::gateway
