// Every reason a service's code can answer is declared on its routes: the
// reasons are read from the sources (WithReason, Refusal and Refuse calls, and
// the "[reason] " that leads a Lua script's error reply) and looked up in the
// route table the gateway builds from the protos. A new refusal without a
// declaration (and so without its place in the OpenAPI document and its
// German and English text) fails here.

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/core/linked_apis.h"
#include "gateway/reasons/reason_catalog.h"
#include "gateway/routing/route_table.h"
#include "gtest/gtest.h"

namespace stadt::gateway {
namespace {

namespace fs = std::filesystem;

// The source folders of each service (by its name in linked_apis.cc).
const std::map<std::string, std::vector<std::string>> kSourcesOf = {
    {"appointments", {"services/appointments", "services/common/booking"}},
    {"parking", {"services/parking"}},
    {"daycare", {"services/daycare"}},
    {"monitoring", {"services/monitoring"}},
    {"video", {"services/video", "services/common/booking"}},
    {"notifications", {"services/notifications"}},
    {"privacy", {"services/privacy"}},
    {"audit", {"services/audit"}},
};

// Reasons in the code ("service reason") that no request through the gateway
// can cause, with why.
const std::map<std::string, std::string> kNotReachableOverHttp = {
    {"appointments too_many_offices",
     "the gateway takes at most 64 query parameters (invalid_request), fewer than the 101 "
     "office_ids it takes"},
    {"parking invalid_timestamp",
     "the JSON mapping refuses such a timestamp before the service sees it"},
    {"parking session_running",
     "given by the internal ErasePersonalData; clients meet it through the privacy service's "
     "DELETE /v1/me/data, which declares it"},
    {"monitoring grain_invalid",
     "the JSON mapping refuses a grain that is not one of the enum's names before the service "
     "sees it"},
    {"video hold_already_confirmed",
     "the booking library's e-mail confirmation, which video offers no route for"},
    {"video not_a_video_caseworker",
     "the adapter's department scope check refuses a subject who is no caseworker first "
     "(scope_not_granted)"},
    {"video email_required",
     "the booking library's e-mail confirmation, which video offers no route for"},
    {"video outside_opening_hours",
     "the booking library's BookingCore::Fit: video tries each caseworker with it and answers "
     "slot_not_offered when none consults then"},
    {"video ends_after_midnight",
     "the booking library's BookingCore::Fit: video tries each caseworker with it and answers "
     "slot_not_offered when none consults then"},
};

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool IsSource(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name.find("_test.") != std::string::npos) return false;
  const std::string ext = path.extension().string();
  return ext == ".cc" || ext == ".h" || ext == ".lua";
}

// The reasons the sources under `folder` give. In a C++ call the reason is a
// string literal of reason form with an underscore (which tells it from the
// words a condition may test); in Lua the token in brackets after the code.
std::set<std::string> ReasonsIn(const fs::path& folder) {
  static const std::regex kCall(R"((WithReason|Refusal|Refuse)\(([^;]*);)");
  static const std::regex kLiteral(R"lit("([a-z][a-z0-9]*(_[a-z0-9]+)+)")lit");
  static const std::regex kLua(R"(error_reply\(\s*'[A-Z_]+ \[([a-z0-9_]+)\])");
  std::set<std::string> reasons;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file() || !IsSource(entry.path())) continue;
    const std::string text = Read(entry.path());
    for (auto call = std::sregex_iterator(text.begin(), text.end(), kCall);
         call != std::sregex_iterator(); ++call) {
      const std::string arguments = (*call)[2].str();
      for (auto literal = std::sregex_iterator(arguments.begin(), arguments.end(), kLiteral);
           literal != std::sregex_iterator(); ++literal) {
        reasons.insert((*literal)[1].str());
      }
    }
    for (auto lua = std::sregex_iterator(text.begin(), text.end(), kLua);
         lua != std::sregex_iterator(); ++lua) {
      reasons.insert((*lua)[1].str());
    }
  }
  return reasons;
}

TEST(DeclaredReasonsTest, EveryReasonAServiceGivesIsDeclaredOnItsRoutes) {
  std::set<std::string> common(CommonReasons().begin(), CommonReasons().end());
  size_t found = 0;
  for (const LinkedApi& api : LinkedApis()) {
    absl::StatusOr<RouteTable> table = RouteTable::Build({api.service});
    ASSERT_TRUE(table.ok()) << table.status();
    std::set<std::string> declared;
    for (const Route& route : table->routes())
      declared.insert(route.reasons.begin(), route.reasons.end());
    ASSERT_TRUE(kSourcesOf.contains(api.name)) << "name the source folders of " << api.name;
    for (const std::string& folder : kSourcesOf.at(api.name)) {
      for (const std::string& reason : ReasonsIn(fs::path(STADT_SOURCE_DIR) / folder)) {
        ++found;
        if (kNotReachableOverHttp.contains(api.name + " " + reason)) continue;
        EXPECT_TRUE(declared.contains(reason) || common.contains(reason))
            << api.name << " gives \"" << reason << "\" (in " << folder
            << ") but no route of it declares it";
      }
    }
  }
  // The scan itself works: the services give dozens of reasons.
  EXPECT_GT(found, 50u);
}

}  // namespace
}  // namespace stadt::gateway
