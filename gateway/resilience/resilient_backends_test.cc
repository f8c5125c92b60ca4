#include "gateway/resilience/resilient_backends.h"

#include <deque>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"
#include "services/common/status.h"

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
  void CheckHealth(absl::Duration, HealthDone done) override {
    done({{"svc", true, false}, {"other", true, false}});
  }

  std::deque<grpc::Status> script;
  std::vector<std::string> calls;
};

const grpc::Status kUnavailable(grpc::StatusCode::UNAVAILABLE, "down");
const grpc::Status kTimeout(grpc::StatusCode::DEADLINE_EXCEEDED, "slow");
const grpc::Status kNotFound(grpc::StatusCode::NOT_FOUND, "no such office");
// What a service answers while its Redis is down (services/common/status.h).
const grpc::Status kRedisDown(grpc::StatusCode::UNAVAILABLE,
                              std::string(kDependencyUnavailableMessage));

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
                                                .breaker_max_cooldown = absl::Seconds(10),
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

TEST_F(ResilientBackendsTest, CooldownStartsShortAndGrowsOnlyWhileProbesFail) {
  ResilientBackends backends(inner_, clock_,
                             ResilienceOptions{.breaker_failures = 2,
                                               .breaker_cooldown = absl::Milliseconds(250),
                                               .breaker_max_cooldown = absl::Seconds(1),
                                               .retry_budget_ratio = 0});
  auto send = [&] {
    grpc::Status result;
    BackendCall call;
    call.service = "svc";
    backends.Call(call, [&](const grpc::Status& status, std::string) { result = status; });
    return result;
  };
  inner_.script = {kUnavailable, kUnavailable};
  send();
  send();
  EXPECT_EQ(send().error_message(), "circuit open");
  // Failed probes double the cooldown: 250 ms, 500 ms, 1 s, then 1 s at most.
  for (absl::Duration cooldown :
       {absl::Milliseconds(250), absl::Milliseconds(500), absl::Seconds(1), absl::Seconds(1)}) {
    clock_.Advance(cooldown - absl::Milliseconds(1));
    EXPECT_EQ(send().error_message(), "circuit open");
    clock_.Advance(absl::Milliseconds(1));
    inner_.script = {kUnavailable};
    EXPECT_EQ(send().error_message(), "down");  // the probe
  }
  EXPECT_EQ(backends.OpenCircuits(), std::vector<std::string>{"svc"});
  // The first successful probe closes the circuit, and the next opening
  // starts short again.
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(send().ok());
  EXPECT_TRUE(backends.OpenCircuits().empty());
  inner_.script = {kUnavailable, kUnavailable};
  send();
  send();
  clock_.Advance(absl::Milliseconds(250));
  EXPECT_TRUE(send().ok());
}

TEST_F(ResilientBackendsTest, ADependencyDownIsAnAnswerNotAnOutage) {
  // A service whose Redis is down answers UNAVAILABLE itself: it is
  // reachable and will answer again as soon as Redis is back.
  inner_.script = {kRedisDown, kRedisDown, kRedisDown, kRedisDown};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Send(/*idempotent=*/false).error_message(), kDependencyUnavailableMessage);
  }
  EXPECT_TRUE(Send(/*idempotent=*/false).ok());
  EXPECT_TRUE(backends_.OpenCircuits().empty());
}

TEST_F(ResilientBackendsTest, HealthCarriesTheBreakerState) {
  inner_.script = {kUnavailable, kUnavailable, kUnavailable};
  for (int i = 0; i < 3; ++i) Send(/*idempotent=*/false);
  std::vector<BackendHealth> health;
  backends_.CheckHealth(absl::Seconds(1),
                        [&](std::vector<BackendHealth> backends) { health = std::move(backends); });
  EXPECT_THAT(health, ::testing::ElementsAre(BackendHealth{"svc", true, true},
                                             BackendHealth{"other", true, false}));
}

TEST_F(ResilientBackendsTest, AnswersResetTheFailureCount) {
  inner_.script = {kUnavailable, kUnavailable, kNotFound, kUnavailable, kUnavailable};
  for (int i = 0; i < 5; ++i) Send(/*idempotent=*/false);
  // Never three transport failures in a row: still closed.
  EXPECT_TRUE(Send(/*idempotent=*/false).ok());
}

}  // namespace
}  // namespace stadt::gateway
