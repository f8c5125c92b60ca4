// The refusal walk of the daycare service (issue 23's client contract; the
// helper and what each refusal must show: tests/e2e/refusal_walk.h): the
// programs, parents' applications and their answers, and casework, each
// refusal provoked through the real gateway.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/e2e/refusal_walk.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

constexpr char kSeason[] = "/v1/daycare/seasons/kita-2026";

// Three centres with a nursery each (10 to 35 months, full day, from August).
constexpr char kPrograms[] = R"({"programs":[
  {"id":"K1-U3","centre":"K1","centreName":"Kita Sonne","name":"Krippe","capacity":2,
   "careScope":"full_day","startMonth":"2026-08","minAgeMonths":10,"maxAgeMonths":35},
  {"id":"K2-U3","centre":"K2","centreName":"Kita Mond","name":"Krippe","capacity":2,
   "careScope":"full_day","startMonth":"2026-08","minAgeMonths":10,"maxAgeMonths":35},
  {"id":"K3-U3","centre":"K3","centreName":"Kita Stern","name":"Krippe","capacity":2,
   "careScope":"full_day","startMonth":"2026-08","minAgeMonths":10,"maxAgeMonths":35}]})";

constexpr char kPolicy[] =
    R"({"policyJson":"{\"max_choices\":2,\"criteria\":[{\"id\":\"single_parent\",\"points\":10}]}"})";

// An application's fields with `extra` added (`extra` starts with a comma).
std::string Child(const std::string& name, const std::string& extra = "") {
  return absl::StrCat(R"({"choices":["K1-U3"],"childName":")", name,
                      R"(","birthDate":"2025-01-01")", extra, "}");
}

class DaycareRefusalWalkTest : public RefusalWalk {
 protected:
  void SetUp() override {
    StackOptions options;
    options.gateway_env = {{"GATEWAY_READINESS_BACKENDS", "daycare"}};
    StartStack({"daycare"}, options, "/readyz");
    if (HasFatalFailure()) return;
    coordinator_ = Token("coordinator-1", {"daycare_coordinator"});
    caseworker_ = Token("caseworker-7", {"daycare_caseworker"});
    Ok("PUT", Season("/programs"), kPrograms, coordinator_);
    Ok("PUT", Season("/policy"), kPolicy, coordinator_);
    Ok("POST", Season("/period"), R"({"period":"PERIOD_OPEN"})", coordinator_);
  }

  static std::string Season(const std::string& path) { return absl::StrCat(kSeason, path); }
  std::string Parent(const std::string& subject) const { return Token(subject, {"citizen"}); }

  HttpResult Ok(const std::string& method, const std::string& target, const std::string& body,
                const std::string& token) {
    HttpResult result = Fetch(method, target, body, token);
    EXPECT_EQ(result.status, 200) << method << " " << target << ": " << result.body;
    return result;
  }

  // Applies and returns the application's id.
  std::string Apply(const std::string& parent, const std::string& application) {
    HttpResult applied = Ok("POST", Season("/applications"), application, parent);
    return applied.status == 200 ? std::string(Json(applied).at("application").at("id").as_string())
                                 : "";
  }

  std::string coordinator_;
  std::string caseworker_;
};

TEST_F(DaycareRefusalWalkTest, EveryDaycareRefusalHasItsReasonStatusAndBothMessages) {
  const std::string parent = Parent("parent-walk");
  const std::string other = Parent("parent-other");
  const std::string first = Apply(parent, Child("Mia"));
  const std::string second = Apply(parent, Child("Ben", R"(,"togetherWith":")" + first + "\""));
  const std::string claimed = Apply(parent, Child("Eva", R"(,"criteria":["single_parent"])"));
  ASSERT_FALSE(first.empty() || second.empty() || claimed.empty());
  const std::string own = Season("/applications/") + second;
  const std::string casework = Season("/casework/applications/") + second;

  // What each form of an application refuses, for the parent's application,
  // the parent's change of it and the caseworker's correction.
  const std::string long_text(1200, 'a');
  const std::vector<std::pair<std::string, std::string>> forms = {
      {R"({"choices":[],"childName":"Zoe","birthDate":"2025-01-01"})", "choices_required"},
      {R"({"choices":["K1-U3","K2-U3","K3-U3"],"childName":"Zoe","birthDate":"2025-01-01"})",
       "too_many_choices"},
      {R"({"choices":["K9-U3"],"childName":"Zoe","birthDate":"2025-01-01"})", "unknown_program"},
      {R"({"choices":["K1-U3","K1-U3"],"childName":"Zoe","birthDate":"2025-01-01"})",
       "duplicate_choice"},
      {R"({"choices":["K1-U3"],"birthDate":"2025-01-01"})", "child_name_required"},
      {Child(long_text), "child_name_too_long"},
      {Child("Zoe", absl::StrCat(R"(,"guardianName":")", long_text, "\"")),
       "guardian_field_too_long"},
      {R"({"choices":["K1-U3"],"childName":"Zoe"})", "birth_date_required"},
      {R"({"choices":["K1-U3"],"childName":"Zoe","birthDate":"2999-01-01"})",
       "birth_date_in_future"},
      {R"({"choices":["K1-U3"],"childName":"Zoe","birthDate":"2024-02-30"})", "invalid_birth_date"},
      {Child("Zoe", R"(,"criteria":["vip"])"), "unknown_criterion"},
      {Child("Zoe", R"(,"criteria":["single_parent","single_parent"])"), "duplicate_criterion"},
      {Child("Zoe", R"(,"careScope":"halbtags")"), "unknown_care_scope"},
      {Child("Zoe", R"(,"startMonth":"autumn")"), "invalid_start_month"},
      {Child("Zoe", R"(,"startMonth":"2027-03")"), "start_month_outside_season"},
      {R"({"choices":["K1-U3"],"childName":"Zoe","birthDate":"2021-01-01"})",
       "age_outside_program"},
      {Child("Zoe", R"(,"siblingCentres":["K9"])"), "unknown_centre"},
      {Child("Zoe", R"(,"siblingCentres":["K1","K1"])"), "duplicate_sibling_centre"},
      {Child("Mia"), "duplicate_child"},
  };
  for (const auto& [form, reason] : forms) {
    ExpectRefusal("POST", Season("/applications"), form, parent, reason);
    ExpectRefusal("PUT", own, form, parent, reason);
    ExpectRefusal("PUT", casework,
                  absl::StrCat(R"({"application":)", form, R"(,"reason":"Telefonat"})"),
                  caseworker_, reason);
  }
  for (const auto& [form, reason] : std::vector<std::pair<std::string, std::string>>{
           {Child("Zoe", R"(,"guardianEmail":"nobody@")"), "invalid_email"},
           {Child("Zoe", R"(,"togetherWith":"no-such-application")"),
            "unknown_sibling_application"},
           // The second is already placed together with the first.
           {Child("Zoe", R"(,"togetherWith":")" + second + "\""), "sibling_already_paired"}}) {
    ExpectRefusal("POST", Season("/applications"), form, parent, reason);
    ExpectRefusal("PUT", Season("/applications/") + claimed, form, parent, reason);
  }
  ExpectRefusal("POST", Season("/applications?lang=fr"), Child("Zoe"), parent,
                "unsupported_language");
  ExpectRefusal("PUT", own + "?lang=fr", Child("Ben"), parent, "unsupported_language");
  const std::string unknown_season = "/v1/daycare/seasons/kita-2099";
  ExpectRefusal("POST", absl::StrCat(unknown_season, "/applications"), Child("Zoe"), parent,
                "season_not_found");
  ExpectRefusal("PUT", absl::StrCat(unknown_season, "/applications/", second), Child("Ben"), parent,
                "season_not_found");
  ExpectRefusal("PUT", absl::StrCat(unknown_season, "/casework/applications/", second),
                absl::StrCat(R"({"application":)", Child("Ben"), R"(,"reason":"Telefonat"})"),
                caseworker_, "application_not_found");
  ExpectRefusal("GET", absl::StrCat(unknown_season, "/programs"), "", "", "season_not_found");
  // The coordinators' setup: malformed programs and rules; the explanation.
  ExpectRefusal("PUT", Season("/programs"), R"({"programs":[]})", coordinator_, "invalid_programs");
  ExpectRefusal("PUT", Season("/programs"),
                R"({"programs":[{"id":"K1-U3","capacity":1},{"id":"K1-U3","capacity":2}]})",
                coordinator_, "invalid_programs");
  ExpectRefusal("PUT", Season("/policy"), R"({"policyJson":"{\"max_choices\":0}"})", coordinator_,
                "invalid_policy");
  ExpectRefusal("PUT", Season("/policy"), R"({"policyJson":"not json"})", coordinator_,
                "invalid_policy");
  ExpectRefusal("GET", Season("/explanations/no-such-application"), "", coordinator_,
                "application_not_found");
  ExpectRefusal("GET", Season("/explanations/") + second + "?lang=fr", "", coordinator_,
                "unsupported_language");
  ExpectRefusal("GET", Season("/programs?age_group=seniors"), "", "", "unknown_age_group");

  // Someone else's application is unknown; languages are German or English.
  for (const std::string step : {"", "/withdraw", "/accept", "/decline"}) {
    const std::string method = step.empty() ? "GET" : "POST";
    const std::string body = step.empty() ? "" : "{}";
    ExpectRefusal(method, own + step, body, other, "application_not_found");
    ExpectRefusal(method, step.empty() ? own + "?lang=fr" : own + step,
                  step.empty() ? "" : R"({"lang":"fr"})", parent, "unsupported_language");
  }
  ExpectRefusal("GET", Season("/applications?lang=fr"), "", parent, "unsupported_language");
  ExpectRefusal("PUT", own, Child("Ben"), other, "application_not_found");
  const std::string nobody = Season("/casework/applications/no-such-application");
  ExpectRefusal("GET", nobody, "", caseworker_, "application_not_found");
  ExpectRefusal("PUT", nobody,
                absl::StrCat(R"({"application":)", Child("Ben"), R"(,"reason":"Telefonat"})"),
                caseworker_, "application_not_found");
  ExpectRefusal("POST", nobody + "/criteria/single_parent", R"({"verdict":"VERDICT_VERIFIED"})",
                caseworker_, "application_not_found");

  // Casework: a correction says why; only claimed criteria get a verdict.
  const std::string corrected = absl::StrCat(R"({"application":)", Child("Ben"), R"(,"reason":")");
  ExpectRefusal("PUT", casework, corrected + " \"}", caseworker_, "correction_reason_required");
  ExpectRefusal("PUT", casework, absl::StrCat(corrected, long_text, "\"}"), caseworker_,
                "correction_reason_too_long");
  ExpectRefusal("POST", casework + "/criteria/single_parent", R"({"verdict":"VERDICT_VERIFIED"})",
                caseworker_, "criterion_not_claimed");
  ExpectRefusal("POST", casework + "/criteria/single_parent", R"({"verdict":7})", caseworker_,
                "invalid_verdict");

  // A withdrawn application cannot be changed.
  const std::string withdrawn = Apply(parent, Child("Ida"));
  Ok("POST", Season("/applications/") + withdrawn + "/withdraw", "{}", parent);
  ExpectRefusal("PUT", Season("/applications/") + withdrawn, Child("Ida"), parent,
                "application_withdrawn");

  // Malformed input: a season id no season can have, on every route.
  const std::string bad = "/v1/daycare/seasons/kita.2026";
  const std::string deadline = R"({"deadline":"2099-01-01T00:00:00Z"})";
  const std::string with_reason =
      absl::StrCat(R"({"application":)", Child("Ben"), R"(,"reason":"Telefonat"})");
  struct Step {
    std::string method, path, body, token;
  };
  for (const Step& step :
       std::vector<Step>{{"PUT", "/programs", kPrograms, coordinator_},
                         {"GET", "/programs", "", ""},
                         {"GET", "/facilities", "", ""},
                         {"PUT", "/policy", kPolicy, coordinator_},
                         {"GET", "/policy", "", coordinator_},
                         {"POST", "/period", R"({"period":"PERIOD_OPEN"})", coordinator_},
                         {"POST", "/dry-run", "{}", coordinator_},
                         {"POST", "/rounds", deadline, coordinator_},
                         {"GET", "/rounds/1", "", coordinator_},
                         {"POST", "/rounds/1/deadline", deadline, coordinator_},
                         {"POST", "/applications", Child("Zoe"), parent},
                         {"GET", "/applications", "", parent},
                         {"PUT", "/applications/" + second, Child("Ben"), parent},
                         {"GET", "/applications/" + second, "", parent},
                         {"POST", "/applications/" + second + "/withdraw", "{}", parent},
                         {"POST", "/applications/" + second + "/accept", "{}", parent},
                         {"POST", "/applications/" + second + "/decline", "{}", parent},
                         {"GET", "/casework/applications", "", caseworker_},
                         {"GET", "/casework/applications/" + second, "", caseworker_},
                         {"PUT", "/casework/applications/" + second, with_reason, caseworker_},
                         {"POST", "/casework/applications/" + claimed + "/criteria/single_parent",
                          R"({"verdict":"VERDICT_VERIFIED"})", caseworker_},
                         {"GET", "/explanations/" + second, "", coordinator_}}) {
    ExpectRefusal(step.method, bad + step.path, step.body, step.token, "invalid_season_id");
  }
  ExpectRefusal("GET", absl::StrCat(unknown_season, "/facilities"), "", "", "season_not_found");
  ExpectRefusal("GET", Season("/facilities?age_group=seniors"), "", "", "unknown_age_group");
  ExpectRefusal("POST", Season("/period"), "{}", coordinator_, "invalid_period");
  // Rounds and their deadlines, before the first round: none to answer.
  ExpectRefusal("POST", Season("/rounds"), R"({"seed":"1"})", coordinator_, "deadline_required");
  ExpectRefusal("POST", Season("/rounds"), R"({"seed":"1","deadline":"2001-01-01T00:00:00Z"})",
                coordinator_, "deadline_in_past");
  ExpectRefusal("POST", Season("/rounds"), deadline, coordinator_, "period_still_open");
  ExpectRefusal("POST", Season("/rounds"), R"({"round":5,"deadline":"2099-01-01T00:00:00Z"})",
                coordinator_, "round_out_of_order");
  ExpectRefusal("GET", Season("/rounds/1"), "", coordinator_, "round_not_found");
  ExpectRefusal("POST", Season("/rounds/1/deadline"), deadline, coordinator_, "round_not_found");
  ExpectRefusal("POST", Season("/rounds/1/deadline"), "{}", coordinator_, "deadline_required");
  ExpectRefusal("POST", Season("/rounds/1/deadline"), R"({"deadline":"2001-01-01T00:00:00Z"})",
                coordinator_, "deadline_in_past");
  ExpectRefusal("POST", own + "/accept", "{}", parent, "offer_not_open");
  ExpectRefusal("POST", own + "/decline", "{}", parent, "offer_not_open");

  // After the period: no application, no change; after a round: no casework.
  Ok("POST", Season("/period"), R"({"period":"PERIOD_CLOSED"})", coordinator_);
  ExpectRefusal("POST", Season("/applications"), Child("Zoe"), parent, "period_not_open");
  ExpectRefusal("PUT", own, Child("Ben"), parent, "period_not_open");
  Ok("POST", Season("/rounds"), R"({"seed":"1","deadline":"2099-01-01T00:00:00Z"})", coordinator_);
  ExpectRefusal("POST", Season("/rounds"), R"({"round":1,"deadline":"2099-01-01T00:00:00Z"})",
                coordinator_, "round_already_published");
  ExpectRefusal("PUT", casework,
                absl::StrCat(R"({"application":)", Child("Ben"), R"(,"reason":"Telefonat"})"),
                caseworker_, "season_frozen");
  ExpectRefusal("POST", Season("/casework/applications/") + claimed + "/criteria/single_parent",
                R"({"verdict":"VERDICT_VERIFIED"})", caseworker_, "season_frozen");
  ExpectRefusal("PUT", Season("/programs"), kPrograms, coordinator_, "season_frozen");
  ExpectRefusal("PUT", Season("/policy"), kPolicy, coordinator_, "season_frozen");
  // The next round waits until the first round's offers are answered.
  ExpectRefusal("POST", Season("/rounds"), R"({"seed":"2","deadline":"2099-01-01T00:00:00Z"})",
                coordinator_, "offers_still_open");

  ExpectEveryDeclaredReasonWalked(
      "Daycare", {{"POST /v1/daycare/seasons/{season_id}/applications application_id_taken",
                   "the service draws an application's id at random: only a collision gives it"}});
}

}  // namespace
}  // namespace stadt::testing
