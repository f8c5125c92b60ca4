#include "services/common/service_main.h"

#include "gtest/gtest.h"

namespace stadt {
namespace {

TEST(ServiceMainTest, ConfigurationThatCannotHoldExitsWithTwo) {
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("REDIS_POOL_SIZE: 0 is below 1")), 2);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("/etc/stadt/zones.json")), 2);
  EXPECT_EQ(ExitCodeFor(absl::PermissionDeniedError("/etc/stadt/secret")), 2);
}

TEST(ServiceMainTest, WhatARestartMayMendExitsWithOne) {
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("redis down")), 1);
  EXPECT_EQ(ExitCodeFor(absl::InternalError("bind failed")), 1);
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), 0);
}

TEST(ServiceMainTest, RunServiceReportsBadSettingsBeforeServing) {
  bool served = false;
  struct Settings {
    log::Level log_level = log::Level::kInfo;
  };
  const int code = RunService<Settings>(
      "test", [] { return absl::StatusOr<Settings>(absl::InvalidArgumentError("bad")); },
      [&served](const Settings&) {
        served = true;
        return absl::OkStatus();
      });
  EXPECT_EQ(code, 2);
  EXPECT_FALSE(served);
}

TEST(ServiceMainTest, RunServicePassesTheSettingsOnAndReportsTheOutcome) {
  struct Settings {
    log::Level log_level = log::Level::kWarn;
    int port = 0;
  };
  int seen_port = 0;
  const int code = RunService<Settings>(
      "test", [] { return absl::StatusOr<Settings>(Settings{.port = 8080}); },
      [&seen_port](const Settings& settings) {
        seen_port = settings.port;
        return absl::UnavailableError("redis down");
      });
  EXPECT_EQ(seen_port, 8080);
  EXPECT_EQ(code, 1);
}

}  // namespace
}  // namespace stadt
