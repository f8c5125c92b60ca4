// The refusal walks of monitoring (the public KPI reads) and notifications
// (the operators' dead letters), issue 23's client contract; the helper and
// what each refusal must show: tests/e2e/refusal_walk.h.

#include <string>

#include "gtest/gtest.h"
#include "tests/e2e/refusal_walk.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

class MonitoringRefusalWalkTest : public RefusalWalk {
 protected:
  void SetUp() override { StartStack({"monitoring"}, {}, "/v1/monitoring/kpis"); }
};

TEST_F(MonitoringRefusalWalkTest, EveryMonitoringRefusalHasItsReasonStatusAndBothMessages) {
  ExpectRefusal("GET", "/v1/monitoring/kpis?field_of_action=9", "", "", "field_of_action_invalid");
  ExpectRefusal("GET", "/v1/monitoring/measures?field_of_action=-1", "", "",
                "field_of_action_invalid");
  const std::string series = "/v1/monitoring/kpis/appointments_booked/series";
  ExpectRefusal("GET", "/v1/monitoring/kpis/no_such_kpi/series", "", "", "kpi_not_found");
  ExpectRefusal("GET", series + "?dimension=plate", "", "", "dimension_unknown");
  ExpectRefusal("GET", series + "?from.seconds=2000000000&to.seconds=1900000000", "", "",
                "series_range_invalid");
  ExpectRefusal("GET", series + "?grain=GRAIN_HOUR&from.seconds=0", "", "",
                "series_range_too_long");
  ExpectEveryDeclaredReasonWalked("Monitoring", {});
}

class NotificationsRefusalWalkTest : public RefusalWalk {
 protected:
  void SetUp() override {
    StackOptions options;
    options.gateway_env = {{"GATEWAY_READINESS_BACKENDS", "notifications"}};
    StartStack({"notifications"}, options, "/readyz");
  }
};

TEST_F(NotificationsRefusalWalkTest, EveryDeadLetterRefusalHasItsReasonStatusAndBothMessages) {
  const std::string operator_token = Token("operator-1", {"operator"});
  const std::string list = "/v1/notifications/dead-letters";
  ExpectRefusal("GET", list + "?source=nowhere", "", operator_token, "dead_letter_source_unknown");
  ExpectRefusal("GET", list + "?source=appointments&limit=100000", "", operator_token,
                "invalid_page_size");
  ExpectRefusal("GET", list + "?source=appointments&after=yesterday", "", operator_token,
                "page_cursor_invalid");
  ExpectRefusal("POST", list + "/nowhere/1700000000000-0/replay", "{}", operator_token,
                "dead_letter_source_unknown");
  ExpectRefusal("POST", list + "/appointments/1700000000000-0/replay", "{}", operator_token,
                "dead_letter_not_found");
  ExpectRefusal("POST", list + "/video/not-an-id/replay", "{}", operator_token,
                "dead_letter_not_found");
  ExpectEveryDeclaredReasonWalked("Notifications", {});
}

class AuditRefusalWalkTest : public RefusalWalk {
 protected:
  void SetUp() override {
    StackOptions options;
    options.gateway_env = {{"GATEWAY_READINESS_BACKENDS", "audit"}};
    StartStack({"audit"}, options, "/readyz");
  }
};

TEST_F(AuditRefusalWalkTest, EveryAuditRefusalHasItsReasonStatusAndBothMessages) {
  const std::string officer = Token("dpo-1", {"data_protection_officer"});
  const std::string records = "/v1/audit/records";
  ExpectRefusal("GET", records + "?from=yesterday", "", officer, "invalid_time");
  ExpectRefusal("GET", records + "?limit=501", "", officer, "invalid_page_size");
  ExpectRefusal("GET", records + "?page_token=forged", "", officer, "page_cursor_invalid");
  ExpectRefusal("GET", records + "?from=2026-12-06T10:00:00Z&until=2026-12-06T09:00:00Z", "",
                officer, "time_range_invalid");
  ExpectEveryDeclaredReasonWalked("Audit", {});
}

}  // namespace
}  // namespace stadt::testing
