#include "gateway/resilience/resilient_backends.h"

#include <deque>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::gateway {
namespace {

// Answers each call with the next scripted status (OK once the script ends).
class ScriptedBackends final : public Backends {
 public:
  void Call(BackendCall call, CallDone done) override {
    calls.push_back(call.service);
    grpc::Status status = grpc::Status::OK;
    if (!script.empty()) {
      status = script.front();
      script.pop_front();
    }
    done(status, status.ok() ? "answer" : "");
  }
  void CheckHealth(absl::Duration, HealthDone done) override { done({}); }

  std::deque<grpc::Status> script;
  std::vector<std::string> calls;
};

const grpc::Status kUnavailable(grpc::StatusCode::UNAVAILABLE, "down");
const grpc::Status kTimeout(grpc::StatusCode::DEADLINE_EXCEEDED, "slow");
const grpc::Status kNotFound(grpc::StatusCode::NOT_FOUND, "no such office");

class ResilientBackendsTest : public ::testing::Test {
 protected:
  grpc::Status Send(bool idempotent, const std::string& service = "svc") {
    BackendCall call;
    call.service = service;
    call.idempotent = idempotent;
    grpc::Status result;
    bool answered = false;
    backends_.Call(call, [&](const grpc::Status& status, std::string) {
      result = status;
      answered = true;
    });
    EXPECT_TRUE(answered);
    return result;
  }

  ScriptedBackends inner_;
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  ResilientBackends backends_{inner_, clock_,
                              ResilienceOptions{.breaker_failures = 3,
                                                .breaker_cooldown = absl::Seconds(10),
                                                .retry_budget_ratio = 0.5,
                                                .retry_budget_max = 2}};
};

TEST_F(ResilientBackendsTest, RetriesAnIdempotentCallOnceWhenUnavailable) {
  inner_.script = {kUnavailable};
  EXPECT_TRUE(Send(/*idempotent=*/true).ok());
  EXPECT_EQ(inner_.calls.size(), 2u);
}

TEST_F(ResilientBackendsTest, NeverRetriesWritesTimeoutsOrAnswers) {
  inner_.script = {kUnavailable};
  EXPECT_EQ(Send(/*idempotent=*/false).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(inner_.calls.size(), 1u);
  // A deadline may have passed after the backend acted; NOT_FOUND is an answer.
  for (const grpc::Status& status : {kTimeout, kNotFound}) {
    inner_.calls.clear();
    inner_.script = {status};
    EXPECT_EQ(Send(/*idempotent=*/true).error_code(), status.error_code());
    EXPECT_EQ(inner_.calls.size(), 1u);
  }
}

TEST_F(ResilientBackendsTest, RetryBudgetBoundsRetriesToAShareOfCalls) {
  // The bank starts full (2); each call earns half a retry, a retry costs
  // one. Four failing calls get three retries, not four.
  inner_.script = {kUnavailable, kUnavailable, kUnavailable, kUnavailable,
                   kUnavailable, kUnavailable, kUnavailable, kUnavailable};
  ResilientBackends no_breaker(
      inner_, clock_,
      ResilienceOptions{.breaker_failures = 0, .retry_budget_ratio = 0.5, .retry_budget_max = 2});
  int failed = 0;
  for (int i = 0; i < 4; ++i) {
    BackendCall call;
    call.service = "svc";
    call.idempotent = true;
    no_breaker.Call(call, [&](const grpc::Status& status, std::string) { failed += !status.ok(); });
  }
  EXPECT_EQ(failed, 4);
  // Tokens before each call's retry: 2, 1.5, 1, 0.5 -> retries on the first three.
  EXPECT_EQ(inner_.calls.size(), 7u);
}

TEST_F(ResilientBackendsTest, BreakerOpensAfterConsecutiveFailuresAndFailsFast) {
  inner_.script = {kTimeout, kTimeout, kTimeout};
  for (int i = 0; i < 3; ++i) Send(/*idempotent=*/false);
  inner_.calls.clear();
  grpc::Status fast = Send(/*idempotent=*/false);
  EXPECT_EQ(fast.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(fast.error_message(), "circuit open");
  EXPECT_TRUE(inner_.calls.empty());
  // Other backends are not affected.
  EXPECT_TRUE(Send(/*idempotent=*/false, "other").ok());
}

TEST_F(ResilientBackendsTest, HalfOpenProbeClosesOrReopensTheCircuit) {
  inner_.script = {kUnavailable, kUnavailable, kUnavailable};
  for (int i = 0; i < 3; ++i) Send(/*idempotent=*/false);
  clock_.Advance(absl::Seconds(10));
  // The probe fails: open for another cooldown.
  inner_.script = {kUnavailable};
  EXPECT_EQ(Send(/*idempotent=*/false).error_message(), "down");
  EXPECT_EQ(Send(/*idempotent=*/false).error_message(), "circuit open");
  clock_.Advance(absl::Seconds(10));
  // The probe succeeds: closed again.
  EXPECT_TRUE(Send(/*idempotent=*/false).ok());
  EXPECT_TRUE(Send(/*idempotent=*/false).ok());
}

TEST_F(ResilientBackendsTest, AnswersResetTheFailureCount) {
  inner_.script = {kUnavailable, kUnavailable, kNotFound, kUnavailable, kUnavailable};
  for (int i = 0; i < 5; ++i) Send(/*idempotent=*/false);
  // Never three transport failures in a row: still closed.
  EXPECT_TRUE(Send(/*idempotent=*/false).ok());
}

}  // namespace
}  // namespace stadt::gateway
