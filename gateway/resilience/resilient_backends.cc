#include "gateway/resilience/resilient_backends.h"

#include <algorithm>

#include "services/common/log.h"
#include "services/common/status.h"

namespace stadt::gateway {
namespace {

// The backend could not be reached or did not answer in time.
bool IsTransportFailure(const grpc::Status& status) {
  if (IsDependencyUnavailable(status)) return false;
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

}  // namespace

bool ResilientBackends::Admit(const std::string& service) {
  if (options_.breaker_failures <= 0) return true;
  absl::MutexLock lock(&mu_);
  State& state = states_[service];
  if (state.consecutive_failures < options_.breaker_failures) return true;
  if (clock_.Now() < state.open_until || state.probing) return false;
  state.probing = true;  // Half-open: this call tests the backend.
  return true;
}

void ResilientBackends::Record(const std::string& service, const grpc::Status& status) {
  bool opened = false;
  bool closed = false;
  {
    absl::MutexLock lock(&mu_);
    State& state = states_[service];
    const bool was_probe = state.probing;
    state.probing = false;
    const bool was_open =
        options_.breaker_failures > 0 && state.consecutive_failures >= options_.breaker_failures;
    if (!IsTransportFailure(status)) {
      closed = was_open;
      state.consecutive_failures = 0;
    } else {
      ++state.consecutive_failures;
      if (options_.breaker_failures > 0 &&
          state.consecutive_failures >= options_.breaker_failures) {
        opened = !was_open;
        if (opened) {
          state.cooldown = options_.breaker_cooldown;
        } else if (was_probe) {
          // The probe failed: the backend is still down, wait longer next time.
          state.cooldown = std::max(options_.breaker_cooldown,
                                    std::min(state.cooldown * 2, options_.breaker_max_cooldown));
        }
        state.open_until = clock_.Now() + state.cooldown;
      }
    }
  }
  // Transitions only, so a backend that stays down does not flood the log.
  if (opened) log::Warn("circuit_opened", {{"backend", service}});
  if (closed) log::Info("circuit_closed", {{"backend", service}});
}

bool ResilientBackends::TakeRetryToken(const std::string& service) {
  absl::MutexLock lock(&mu_);
  State& state = states_[service];
  if (state.retry_tokens < 1) return false;
  state.retry_tokens -= 1;
  return true;
}

bool ResilientBackends::IsOpen(const State& state) const {
  return options_.breaker_failures > 0 && state.consecutive_failures >= options_.breaker_failures;
}

std::vector<std::string> ResilientBackends::OpenCircuits() const {
  std::vector<std::string> open;
  absl::MutexLock lock(&mu_);
  for (const auto& [service, state] : states_) {
    if (IsOpen(state)) open.push_back(service);
  }
  return open;
}

void ResilientBackends::CheckHealth(absl::Duration timeout, HealthDone done) {
  inner_.CheckHealth(timeout, [this, done = std::move(done)](std::vector<BackendHealth> backends) {
    const std::vector<std::string> open = OpenCircuits();
    for (BackendHealth& backend : backends) {
      backend.breaker_open = std::find(open.begin(), open.end(), backend.service) != open.end();
    }
    done(std::move(backends));
  });
}

void ResilientBackends::Call(BackendCall call, CallDone done) {
  if (options_.retry_budget_ratio > 0) {
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = states_.try_emplace(call.service);
    State& state = it->second;
    // A backend not seen before starts with a full bank.
    if (inserted) state.retry_tokens = options_.retry_budget_max;
    state.retry_tokens =
        std::min(options_.retry_budget_max, state.retry_tokens + options_.retry_budget_ratio);
  }
  const bool may_retry = call.idempotent && options_.retry_budget_ratio > 0;
  Attempt(std::make_shared<BackendCall>(std::move(call)), may_retry, std::move(done));
}

void ResilientBackends::Attempt(const std::shared_ptr<BackendCall>& call, bool may_retry,
                                CallDone done) {
  if (!Admit(call->service)) {
    done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "circuit open"), "");
    return;
  }
  BackendCall copy = *call;
  inner_.Call(std::move(copy), [this, call, may_retry, done = std::move(done)](
                                   const grpc::Status& status, std::string response) mutable {
    Record(call->service, status);
    // Only UNAVAILABLE: a deadline may have passed after the backend acted.
    if (may_retry && status.error_code() == grpc::StatusCode::UNAVAILABLE &&
        TakeRetryToken(call->service)) {
      Attempt(call, /*may_retry=*/false, std::move(done));
      return;
    }
    done(status, std::move(response));
  });
}

}  // namespace stadt::gateway
