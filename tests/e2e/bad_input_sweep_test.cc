// The bad-input sweep: every operation of the OpenAPI document the real
// gateway serves (so a route added later is swept without touching this
// file) gets hostile bodies, path variables and query parameters from a
// caller holding every role. Whatever the input, the answer is never a 5xx,
// and every 4xx is the JSON error with a machine-readable reason.
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"
#include "services/common/strings.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

namespace json = boost::json;

// The roles a route may ask for (README "Identity"); roles that only the
// document names are added from its access descriptions.
constexpr const char* kKnownRoles[] = {
    "citizen",          "office_staff",           "office_admin",
    "video_caseworker", "daycare_caseworker",     "daycare_coordinator",
    "parking_officer",  "parking_admin",          "steering_office",
    "operator",         "data_protection_officer"};
// The reasons a service answers when it gives none of its own: the
// lower-case gRPC code. A refusal a client can cause must carry a specific one.
constexpr const char* kCodeNames[] = {
    "cancelled",      "unknown",           "invalid_argument",   "deadline_exceeded",   "not_found",
    "already_exists", "permission_denied", "resource_exhausted", "failed_precondition", "aborted",
    "out_of_range",   "unimplemented",     "internal",           "unavailable",         "data_loss",
    "unauthenticated"};
constexpr std::string_view kRolesPrefix = "one of the roles: ";
constexpr size_t kLongStringBytes = 100 * 1024;
// After this many failed checks a test stops sending: one bug is enough to
// see, and a dead gateway would otherwise fail every request.
constexpr int kMaxFailures = 30;
// Large enough that the 100 kB strings reach the services instead of the
// gateway's 413.
constexpr char kMaxBodyBytes[] = "262144";

struct Parameter {
  std::string name;
  json::value schema;  // references resolved
};

struct Operation {
  std::string method;  // upper case
  std::string path;    // template, "{name}" per variable
  std::vector<Parameter> path_parameters;
  std::vector<Parameter> query_parameters;
  json::value body_schema;        // null when the operation takes no body
  std::set<std::string> reasons;  // its x-reasons
};

// One hostile input: raw bytes (for paths and queries) and JSON text (for
// bodies; a lone surrogate exists only as a JSON escape).
struct Hostile {
  std::string label;
  std::string bytes;
  std::string json_text;
};

Hostile Text(std::string label, std::string bytes) {
  std::string json_text = json::serialize(json::string(bytes));
  return {std::move(label), std::move(bytes), std::move(json_text)};
}

std::vector<Hostile> HostileStrings() {
  std::string combining = "e";
  for (int i = 0; i < 200; ++i) combining += "\xcc\x81";  // U+0301 combining acute
  return {
      Text("empty", ""),
      Text("100 kB", std::string(kLongStringBytes, 'a')),
      Text("NUL", std::string("a\0b", 3)),
      // U+D800 alone: as JSON an escape; as bytes its (invalid) UTF-8 form.
      {"lone surrogate", "\xed\xa0\x80", R"("\ud800")"},
      {"invalid UTF-8", "\xff\xfe", "\"\xff\xfe\""},
      Text("RTL override",
           "abc\xe2\x80\xae"
           "fdp.exe"),
      Text("combining", combining),
      Text("emoji", "\xf0\x9f\x98\x80\xf0\x9f\x8f\xb3\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x8c\x88"),
      Text("SQL", "' OR '1'='1'; DROP TABLE bookings; --"),
      Text("script", "<script>alert(1)</script>"),
      Text("Redis protocol", "\r\n*1\r\n$4\r\nPING\r\n"),
      Text("Lua", "]] redis.call('FLUSHALL') --[["),
      Text("hash tag", "{appt}:x}{"),
      Text("glob", "*?[a-z]"),
      Text("dot dot", "../../../etc/passwd"),
      Text("format", "%s%n%x%00"),
      // Text that other parsers read: JSON nested past any sane depth, JSON
      // numbers out of range, and the ends of the time line.
      Text("deep JSON", std::string(20000, '[')),
      Text("JSON out of range", R"({"max_choices":1e999,"criteria":[{"id":"a","points":-1e400}]})"),
      Text("year 1", "0001-01-01T00:00:00Z"),
      Text("year 9999", "9999-12-31T23:59:59.999999999Z"),
      Text("first day", "0001-01-01"),
      Text("last day", "9999-12-31"),
      Text("no such day", "2030-02-30"),
  };
}

// Wrong JSON types and numbers out of every range, for any field.
std::vector<Hostile> HostileJsonValues() {
  return {
      {"null", "", "null"},
      {"true", "", "true"},
      {"string", "", R"("not a number")"},
      {"object", "", R"({"a":1})"},
      {"array", "", R"([1,"x",null])"},
      {"nested arrays", "", "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]"},
      {"negative", "", "-1"},
      {"fraction", "", "1.5"},
      {"int64 min", "", "-9223372036854775808"},
      {"beyond uint64", "", "184467440737095516160"},
      {"huge exponent", "", "1e400"},
      {"tiny exponent", "", "-1e-400"},
      {"int32 max", "", "2147483647"},
      {"int32 min", "", "-2147483648"},
      {"uint32 max", "", "4294967295"},
      {"int64 as string", "", R"("9223372036854775807")"},
      {"negative as string", "", R"("-9223372036854775808")"},
  };
}

std::string PercentEncode(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppend(&out, "%", absl::StrFormat("%02X", c));
    }
  }
  return out;
}

class Document {
 public:
  explicit Document(json::value document) : document_(std::move(document)) {}

  // Follows "$ref" (to "#/components/schemas/<name>") until a schema.
  json::value Resolve(const json::value& schema, int depth = 0) const {
    if (!schema.is_object() || depth > 8) return schema;
    const json::value* ref = schema.as_object().if_contains("$ref");
    if (ref == nullptr || !ref->is_string()) return schema;
    const absl::string_view name =
        absl::StripPrefix(ToAbsl(std::string_view(ref->as_string())), "#/components/schemas/");
    const json::value* target = document_.at("components")
                                    .at("schemas")
                                    .as_object()
                                    .if_contains(json::string_view(name.data(), name.size()));
    return target == nullptr ? json::value() : Resolve(*target, depth + 1);
  }

  std::vector<Operation> Operations() const {
    std::vector<Operation> operations;
    for (const auto& [path, item] : document_.at("paths").as_object()) {
      for (const auto& [method, raw] : item.as_object()) {
        Operation operation;
        operation.method = absl::AsciiStrToUpper(std::string(method));
        operation.path = std::string(path);
        const json::object& fields = raw.as_object();
        if (const json::value* parameters = fields.if_contains("parameters")) {
          for (const json::value& parameter : parameters->as_array()) {
            Parameter bound{std::string(parameter.at("name").as_string()),
                            Resolve(parameter.at("schema"))};
            (parameter.at("in") == "path" ? operation.path_parameters : operation.query_parameters)
                .push_back(std::move(bound));
          }
        }
        if (const json::value* body = fields.if_contains("requestBody")) {
          operation.body_schema = Resolve(body->at("content").at("application/json").at("schema"));
        }
        operation.reasons = Strings(fields.if_contains("x-reasons"));
        operations.push_back(std::move(operation));
      }
    }
    return operations;
  }

  // The reasons any operation may answer (x-common-reasons).
  std::set<std::string> CommonReasons() const {
    return Strings(document_.as_object().if_contains("x-common-reasons"));
  }

  // The catalog entry of `reason` (x-reasons at the top: status, de, en), or
  // nullptr.
  const json::object* ReasonText(const std::string& reason) const {
    const json::value* catalog = document_.as_object().if_contains("x-reasons");
    const json::value* text = catalog == nullptr || !catalog->is_object()
                                  ? nullptr
                                  : catalog->as_object().if_contains(reason);
    return text == nullptr ? nullptr : text->if_object();
  }

  std::set<std::string> Roles() const {
    std::set<std::string> roles(std::begin(kKnownRoles), std::end(kKnownRoles));
    for (const auto& [path, item] : document_.at("paths").as_object()) {
      for (const auto& [method, operation] : item.as_object()) {
        const json::value* description = operation.as_object().if_contains("description");
        if (description == nullptr || !description->is_string()) continue;
        const std::string_view text(description->as_string());
        const size_t at = text.find(kRolesPrefix);
        if (at == std::string_view::npos) continue;
        // The list ends at the first '.' (a scope note may follow).
        const std::string_view rest = text.substr(at + kRolesPrefix.size());
        const absl::string_view list = ToAbsl(rest.substr(0, rest.find('.')));
        for (absl::string_view role : absl::StrSplit(list, ", ")) {
          roles.insert(std::string(role));
        }
      }
    }
    return roles;
  }

 private:
  static std::set<std::string> Strings(const json::value* list) {
    std::set<std::string> strings;
    if (list == nullptr || !list->is_array()) return strings;
    for (const json::value& item : list->as_array()) {
      if (item.is_string()) strings.insert(std::string(item.as_string()));
    }
    return strings;
  }

  json::value document_;
};

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

std::string TypeOf(const json::value& schema) {
  if (!schema.is_object()) return "";
  const json::value* type = schema.as_object().if_contains("type");
  return type != nullptr && type->is_string() ? std::string(type->as_string()) : "";
}

// "office_id", "officeId" and "officeIds" all become "officeid(s)".
std::string NormalizedName(std::string_view name) {
  std::string normalized;
  for (char c : name) {
    if (c != '_' && c != '.') normalized += absl::ascii_tolower(static_cast<unsigned char>(c));
  }
  return normalized;
}

// Values that exist in the seeded stack, by field name, so that a request
// with one hostile field gets past the lookups of the others and reaches
// deeper code. A field not listed (a route added later) gets a generic value.
// Objects the suite creates before sweeping (a booking, a parking session, a
// daycare application), by field name, so that requests reach the code that
// works on a real object.
std::map<std::string, std::string>& SeededValues() {
  static auto* seeded = new std::map<std::string, std::string>();
  return *seeded;
}

std::optional<std::string> HintFor(std::string_view name) {
  if (auto seeded = SeededValues().find(NormalizedName(name)); seeded != SeededValues().end()) {
    return seeded->second;
  }
  static const auto* hints = new std::map<std::string, std::string>{{"officeid", "mitte"},
                                                                    {"officeids", "mitte"},
                                                                    {"serviceids", "id-card"},
                                                                    {"zoneid", "4401"},
                                                                    {"seasonid", "sweep-2026"},
                                                                    {"plate", "S-SW 1"},
                                                                    {"country", "D"},
                                                                    {"idempotencykey", "sweep-1"},
                                                                    {"email", "sweep@example.org"},
                                                                    {"name", "Erika Mustermann"},
                                                                    {"counter", "1"}};
  std::string normalized = NormalizedName(name);
  if (auto hint = hints->find(normalized); hint != hints->end()) return hint->second;
  // "date", "fromDate", "birthDate": today, the one day a counter can change.
  if (normalized.ends_with("date")) {
    absl::TimeZone berlin;
    if (!absl::LoadTimeZone("Europe/Berlin", &berlin)) berlin = absl::UTCTimeZone();
    return absl::FormatTime("%Y-%m-%d", absl::Now(), berlin);
  }
  return std::nullopt;
}

// A value of the right type, so that one hostile field is judged at a time.
std::string PlausibleJson(const json::value& schema, std::string_view name) {
  const std::string type = TypeOf(schema);
  if (type == "integer") return "1";
  if (type == "number") return "1.5";
  if (type == "boolean") return "true";
  if (type == "object") return "{}";
  if (type == "array") {
    const json::value* items = schema.as_object().if_contains("items");
    if (items == nullptr || TypeOf(*items) != "string" || !HintFor(name).has_value()) return "[]";
    return absl::StrCat("[", PlausibleJson(*items, name), "]");
  }
  if (!schema.is_object()) return R"("sweep-1")";
  if (const json::value* values = schema.as_object().if_contains("enum")) {
    if (values->is_array() && !values->as_array().empty()) {
      return json::serialize(values->as_array().back());
    }
  }
  // A real object's value beats a made-up time.
  if (auto seeded = SeededValues().find(NormalizedName(name)); seeded != SeededValues().end()) {
    return json::serialize(json::string(seeded->second));
  }
  const json::value* format = schema.as_object().if_contains("format");
  if (format != nullptr && *format == "date-time") {
    // Ends after starts.
    const bool end = absl::StrContains(NormalizedName(name), "end") ||
                     absl::StrContains(NormalizedName(name), "until");
    return absl::StrCat("\"", Rfc3339(absl::Now() + absl::Hours(end ? 6 : 3)), "\"");
  }
  if (format != nullptr && (*format == "int64" || *format == "uint64")) return R"("1")";
  if (std::optional<std::string> hint = HintFor(name)) {
    return json::serialize(json::string(*hint));
  }
  return R"("sweep-1")";
}

// The same for a path variable: strings without their quotes.
std::string PlausibleText(const json::value& schema, std::string_view name) {
  const json::value value = json::parse(PlausibleJson(schema, name));
  return value.is_string() ? std::string(value.as_string()) : json::serialize(value);
}

// The sweeping caller holds every role; its subject is a caseworker of the
// video seed catalog, which the video service checks besides the role.
constexpr char kSweeper[] = "cw-anna";

class BadInputSweepTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    StackOptions options;
    // Lets holds be placed on the next slot, so that more requests go deep.
    options.service_env = {{"APPOINTMENTS_MIN_NOTICE", "0s"}};
    options.gateway_env = {{"GATEWAY_MAX_BODY_BYTES", kMaxBodyBytes}};
    absl::StatusOr<std::unique_ptr<Stack>> stack =
        Stack::StartWith(Stack::KnownServices(), options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = stack->release();
    // Every service linked into the gateway must be one the harness starts
    // (tests/harness/stack.cc), or its routes could only answer 503.
    ASSERT_TRUE(stack_->WaitUntil(200, "/readyz"))
        << "a backend linked into the gateway is not started by the harness?\n"
        << stack_->Logs();
    Seed();
    HttpResult served = stack_->Fetch("GET", "/openapi.json");
    ASSERT_EQ(served.status, 200);
    document_ = new Document(Json(served));
    common_reasons_ = new std::set<std::string>(document_->CommonReasons());
    reported_ = new std::set<std::string>();
    const std::set<std::string> roles = document_->Roles();
    token_ = new std::string(
        stack_->tokens().Mint(kSweeper, std::vector<std::string>(roles.begin(), roles.end()),
                              absl::Now(), absl::Hours(1), kTestIssuer, "office:* department:*"));
  }

  // Creates one object of each kind the services know, as the sweeping
  // caller, and records their ids for HintFor.
  static void Seed() {
    const std::string token = stack_->tokens().Mint(
        kSweeper, std::vector<std::string>(std::begin(kKnownRoles), std::end(kKnownRoles)),
        absl::Now(), absl::Hours(1), kTestIssuer, "office:*");
    auto send = [&](const std::string& method, const std::string& target,
                    const std::string& body) -> json::value {
      HttpResult result = stack_->Fetch(method, target, body, token);
      EXPECT_EQ(result.status, 200) << method << " " << target << ": " << result.body;
      return result.status == 200 ? Json(result) : json::value();
    };
    auto text = [](const json::value& json, const char* key) {
      const json::object* object = json.if_object();
      const json::value* value = object == nullptr ? nullptr : object->if_contains(key);
      return value != nullptr && value->is_string() ? std::string(value->as_string()) : "";
    };
    std::map<std::string, std::string>& seeded = SeededValues();

    std::string office =
        R"({"name":"Sweep","district":"Sued","address":{"street":"A 1","postalCode":"70173",)"
        R"("city":"Stuttgart"},"serviceIds":["id-card"],"counters":[)";
    for (int weekday = 1; weekday <= 7; ++weekday) {
      absl::StrAppend(&office, weekday > 1 ? "," : "", R"({"weekday":)", weekday,
                      R"(,"fromMinute":0,"toMinute":1440,"counters":2})");
    }
    send("PUT", "/v1/offices/sweep-office", office + "]}");
    const json::value slots =
        send("GET", "/v1/slots?service_ids=id-card&office_ids=sweep-office&limit=1", "");
    const std::string start = slots.is_object() && !slots.at("slots").as_array().empty()
                                  ? text(slots.at("slots").at(0), "start")
                                  : "";
    const json::value hold =
        send("POST", "/v1/holds",
             absl::StrCat(R"({"officeId":"sweep-office","serviceIds":["id-card"],"start":")", start,
                          R"("})"));
    const json::value booking =
        send("POST", absl::StrCat("/v1/holds/", text(hold, "holdId"), "/confirm"),
             R"({"contact":{"name":"Erika Mustermann","email":"sweep@example.org"}})");
    seeded["officeid"] = "sweep-office";
    seeded["start"] = start;
    seeded["holdid"] = text(hold, "holdId");
    seeded["bookingcode"] = text(booking, "bookingCode");
    seeded["managetoken"] = text(booking, "manageToken");

    const json::value session = send(
        "POST", "/v1/parking/sessions",
        absl::StrCat(R"({"zoneId":"4401","plate":"S-SW 2","plannedEndTime":")",
                     Rfc3339(absl::Now() + absl::Hours(2)), R"(","idempotencyKey":"seed-1"})"));
    seeded["sessionid"] = text(session, "id");

    const std::string season = "/v1/daycare/seasons/sweep-2026";
    send("PUT", season + "/programs", R"({"programs":[{"id":"K1","capacity":1,"name":"Sonne"}]})");
    send("PUT", season + "/policy", R"({"policyJson":"{\"max_choices\":1,\"criteria\":[]}"})");
    send("POST", season + "/period", R"({"period":"PERIOD_OPEN"})");
    const json::value application =
        send("POST", season + "/applications",
             R"({"choices":["K1"],"childName":"Sweep","birthDate":"2024-06-01"})");
    seeded["seasonid"] = "sweep-2026";
    seeded["choices"] = "K1";
    seeded["applicationid"] =
        application.is_object() ? text(application.at("application"), "id") : "";
    for (auto it = seeded.begin(); it != seeded.end();) {
      it = it->second.empty() ? seeded.erase(it) : std::next(it);
    }
  }

  static void TearDownTestSuite() {
    if (stack_ != nullptr) {
      absl::Status stopped = stack_->Stop();
      EXPECT_TRUE(stopped.ok()) << stopped.message();
    }
    delete token_;
    delete document_;
    delete common_reasons_;
    delete reported_;
    delete stack_;
    token_ = nullptr;
    document_ = nullptr;
    common_reasons_ = nullptr;
    reported_ = nullptr;
    stack_ = nullptr;
  }

  void SetUp() override {
    // A failure, not a skip: ctest counts skipped tests as passing.
    if (stack_ == nullptr || document_ == nullptr) FAIL() << "the stack did not start";
    operations_ = document_->Operations();
    ASSERT_GT(operations_.size(), 10u);
  }

  void TearDown() override {
    if (stack_ != nullptr) {
      EXPECT_TRUE(stack_->gateway().Running()) << "the gateway died";
      for (const std::string& name : Stack::KnownServices()) {
        EXPECT_TRUE(stack_->service(name).Running()) << name << " died";
      }
    }
    std::cout << "requests sent: " << sent_ << "; answers:";
    for (const auto& [status, count] : statuses_) std::cout << " " << status << " x" << count;
    std::cout << "\n";
    // One summary line per failing test instead of thousands of log lines.
    if (HasFailure() && stack_ != nullptr) {
      std::string logs = stack_->Logs();
      if (logs.size() > 20000) logs = logs.substr(logs.size() - 20000);
      ADD_FAILURE() << "requests sent: " << sent_ << "\nlast service logs:\n" << logs;
    }
  }

  bool PathHasMethod(const std::string& path, const std::string& method) const {
    return std::any_of(operations_.begin(), operations_.end(), [&](const Operation& other) {
      return other.path == path && other.method == method;
    });
  }

  static std::string Target(const Operation& operation,
                            const std::map<std::string, std::string>& path_values,
                            const std::string& query = "") {
    std::string target = operation.path;
    for (const Parameter& parameter : operation.path_parameters) {
      auto value = path_values.find(parameter.name);
      const std::string encoded = PercentEncode(
          value != path_values.end() ? value->second
                                     : PlausibleText(parameter.schema, parameter.name));
      const std::string placeholder = absl::StrCat("{", parameter.name, "}");
      if (size_t at = target.find(placeholder); at != std::string::npos) {
        target.replace(at, placeholder.size(), encoded);
      }
    }
    return query.empty() ? target : absl::StrCat(target, "?", query);
  }

  // Sends one request and checks the answer's shape; non-fatal, so that one
  // run lists every bad answer (up to kMaxFailures).
  void Expect4xxOr2xx(const Operation& operation, const std::string& target,
                      const std::string& body, const std::string& what,
                      std::map<std::string, std::string> headers = {},
                      const std::string& method = "") {
    if (failures_ >= kMaxFailures) return;
    ++sent_;
    headers.emplace("Authorization", "Bearer " + *token_);
    const std::string& sent_method = method.empty() ? operation.method : method;
    absl::StatusOr<HttpResult> result =
        HttpFetch(stack_->gateway_port(), sent_method, target, body, headers);
    const std::string context = absl::StrCat(sent_method, " ", operation.path, " (", what, ")");
    if (!result.ok()) {
      Fail(absl::StrCat(context, ": ", result.status().ToString()));
      return;
    }
    ++statuses_[result->status];
    if (result->status >= 500) {
      Fail(absl::StrCat(context, ": ", result->status, " ", result->body.substr(0, 300)));
      return;
    }
    if (result->status == 401 ||
        (result->status == 403 && ReasonOf(result->body) == "role_not_allowed")) {
      // The token holds every role: a refusal by the gateway's auth means the
      // sweep never reached the service. (A service may still refuse with 403
      // what the caller sent, e.g. a forged video join token.)
      Fail(absl::StrCat(context, ": ", result->status, " for a caller with every role"));
      return;
    }
    if (result->status < 400) return;
    const std::string reason = ReasonOf(result->body);
    if (reason.empty() || !std::all_of(reason.begin(), reason.end(), [](char c) {
          return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_';
        })) {
      Fail(absl::StrCat(context, ": ", result->status,
                        " without a machine-readable reason: ", result->body.substr(0, 300)));
      return;
    }
    ExpectReasonInTheContract(operation, sent_method, *result, reason);
  }

  // The client contract of issue 23, for an answer the sweep already has (no
  // request of its own): the reason is a specific one, not a gRPC code name;
  // the route declares it (or it is common to all routes: the gateway's own
  // checks); and the catalog has its status and a German and an English
  // message, the German one being what the caller got. Each (route, reason)
  // is reported once.
  void ExpectReasonInTheContract(const Operation& operation, const std::string& sent_method,
                                 const HttpResult& result, const std::string& reason) {
    const std::string route = absl::StrCat(operation.method, " ", operation.path);
    std::string problem;
    const json::object* text = document_->ReasonText(reason);
    const bool own_route = sent_method == operation.method;
    if (std::find(std::begin(kCodeNames), std::end(kCodeNames), reason) != std::end(kCodeNames) &&
        !common_reasons_->contains(reason)) {
      problem = "is a bare gRPC code name, not a specific reason";
    } else if (!common_reasons_->contains(reason) &&
               !(own_route && operation.reasons.contains(reason))) {
      problem = own_route ? "is not declared for the route (x-reasons) nor common"
                          : "is the gateway's, for a method the route lacks, but not common";
    } else if (text == nullptr) {
      problem = "has no entry in the reason catalog";
    } else if (!text->contains("de") || !text->contains("en") || text->at("de") == "" ||
               text->at("en") == "") {
      problem = "lacks its German or English message in the catalog";
    } else if (text->contains("status") && text->at("status") != result.status) {
      problem = absl::StrCat("comes with ", result.status, ", the catalog says ",
                             json::serialize(text->at("status")));
    } else if (MessageOf(result.body) != text->at("de")) {
      problem = "does not carry the catalog's German message";
    }
    if (problem.empty() || !reported_->insert(absl::StrCat(route, " ", reason)).second) return;
    // Not counted towards kMaxFailures: reported once per (route, reason),
    // so the sweep goes on and lists them all.
    ADD_FAILURE() << sent_method << " " << operation.path << ": reason " << reason << " " << problem
                  << ": " << result.body.substr(0, 300);
  }

  // The message of a JSON error body, or null.
  static json::value MessageOf(const std::string& body) {
    boost::system::error_code error;
    json::value parsed = json::parse(body, error);
    const json::object* object = error ? nullptr : parsed.if_object();
    const json::value* message = object == nullptr ? nullptr : object->if_contains("message");
    return message == nullptr ? json::value() : *message;
  }

  void Fail(const std::string& message) {
    ++failures_;
    ADD_FAILURE() << message;
  }

  // details[0].reason of a JSON error body, or "".
  static std::string ReasonOf(const std::string& body) {
    boost::system::error_code error;
    json::value parsed = json::parse(body, error);
    const json::object* object = error ? nullptr : parsed.if_object();
    const json::value* details = object == nullptr ? nullptr : object->if_contains("details");
    if (details == nullptr || !details->is_array() || details->as_array().empty()) return "";
    const json::object* first = details->as_array().front().if_object();
    const json::value* reason = first == nullptr ? nullptr : first->if_contains("reason");
    return reason != nullptr && reason->is_string() ? std::string(reason->as_string()) : "";
  }

  static std::string ObjectJson(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out = "{";
    for (const auto& [name, value] : fields) {
      absl::StrAppend(&out, out.size() > 1 ? "," : "", json::serialize(json::string(name)), ":",
                      value);
    }
    return out + "}";
  }

  // Every property of `schema` with a plausible value.
  static std::vector<std::pair<std::string, std::string>> PlausibleFields(
      const json::value& schema) {
    std::vector<std::pair<std::string, std::string>> fields;
    const json::value* properties =
        schema.is_object() ? schema.as_object().if_contains("properties") : nullptr;
    if (properties == nullptr || !properties->is_object()) return fields;
    for (const auto& [name, property] : properties->as_object()) {
      fields.emplace_back(std::string(name),
                          PlausibleJson(document_->Resolve(property), std::string_view(name)));
    }
    return fields;
  }

  // The hostile JSON values for one field of the given schema: every wrong
  // type, every hostile string, and for messages and lists the same one level
  // inside.
  static std::vector<std::pair<std::string, std::string>> HostileFieldValues(
      const json::value& schema, int depth) {
    std::vector<std::pair<std::string, std::string>> values;
    for (const Hostile& hostile : HostileJsonValues()) {
      values.emplace_back(hostile.label, hostile.json_text);
    }
    for (const Hostile& hostile : HostileStrings()) {
      values.emplace_back(hostile.label, hostile.json_text);
    }
    if (depth > 0) return values;
    const std::string type = TypeOf(schema);
    if (type == "array") {
      const json::value* items = schema.as_object().if_contains("items");
      const json::value item = items == nullptr ? json::value() : document_->Resolve(*items);
      for (auto& [label, inner] : HostileFieldValues(item, depth + 1)) {
        values.emplace_back("[" + label + "]", absl::StrCat("[", inner, "]"));
      }
      values.emplace_back(
          "10000 items",
          absl::StrCat("[",
                       absl::StrJoin(std::vector<std::string>(10000, PlausibleJson(item, "")), ","),
                       "]"));
    }
    if (type == "object") {
      std::vector<std::pair<std::string, std::string>> inner = PlausibleFields(schema);
      const json::value* properties = schema.as_object().if_contains("properties");
      for (size_t i = 0; i < inner.size(); ++i) {
        const json::value property = document_->Resolve(properties->as_object().at(inner[i].first));
        for (auto& [label, value] : HostileFieldValues(property, depth + 1)) {
          std::vector<std::pair<std::string, std::string>> fields = inner;
          fields[i].second = value;
          values.emplace_back(absl::StrCat(inner[i].first, "=", label), ObjectJson(fields));
        }
      }
    }
    return values;
  }

  static Stack* stack_;
  static Document* document_;
  static std::string* token_;
  static std::set<std::string>* common_reasons_;
  // "METHOD /path reason" already reported by ExpectReasonInTheContract.
  static std::set<std::string>* reported_;
  std::vector<Operation> operations_;
  int sent_ = 0;
  int failures_ = 0;
  std::map<int, int> statuses_;
};

Stack* BadInputSweepTest::stack_ = nullptr;
Document* BadInputSweepTest::document_ = nullptr;
std::string* BadInputSweepTest::token_ = nullptr;
std::set<std::string>* BadInputSweepTest::common_reasons_ = nullptr;
std::set<std::string>* BadInputSweepTest::reported_ = nullptr;

TEST_F(BadInputSweepTest, MalformedAndEmptyBodies) {
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"no body", ""},
      {"empty object", "{}"},
      {"null", "null"},
      {"array", "[]"},
      {"string", R"("x")"},
      {"number", "42"},
      {"truncated", R"({"a":)"},
      {"trailing", "{} {}"},
      {"NUL byte", std::string("{\0}", 3)},
      {"BOM", "\xef\xbb\xbf{}"},
      {"unknown field", R"({"noSuchField":1})"},
      {"duplicate keys", R"({"a":1,"a":2})"},
      {"beyond the body limit", std::string(300 * 1024, ' ')},
  };
  for (const Operation& operation : operations_) {
    for (const auto& [label, body] : bodies) {
      Expect4xxOr2xx(operation, Target(operation, {}), body, label);
    }
  }
  EXPECT_GT(sent_, 0);
}

TEST_F(BadInputSweepTest, HostileValuesInEveryBodyField) {
  for (const Operation& operation : operations_) {
    if (operation.body_schema.is_null()) continue;
    const std::vector<std::pair<std::string, std::string>> plausible =
        PlausibleFields(operation.body_schema);
    if (plausible.empty()) continue;
    const json::object& properties = operation.body_schema.at("properties").as_object();
    const std::string target = Target(operation, {});
    Expect4xxOr2xx(operation, target, ObjectJson(plausible), "every field plausible");
    for (size_t i = 0; i < plausible.size(); ++i) {
      const json::value schema = document_->Resolve(properties.at(plausible[i].first));
      for (const auto& [label, value] : HostileFieldValues(schema, 0)) {
        std::vector<std::pair<std::string, std::string>> fields = plausible;
        fields[i].second = value;
        Expect4xxOr2xx(operation, target, ObjectJson(fields),
                       absl::StrCat(plausible[i].first, "=", label));
      }
    }
  }
  EXPECT_GT(sent_, 0);
}

TEST_F(BadInputSweepTest, HostileValuesInEveryPathVariable) {
  std::vector<Hostile> values = HostileStrings();
  for (const char* number : {"-1", "0", "2147483647", "-2147483648", "9223372036854775807",
                             "99999999999999999999999", "1e400", "0x10", "1.5"}) {
    values.push_back(Text(number, number));
  }
  values.push_back(Text("dot", "."));
  values.push_back(Text("dot dot", ".."));
  values.push_back(Text("encoded slash", "a/b"));
  for (const Operation& operation : operations_) {
    const std::string body = operation.body_schema.is_null() ? "" : "{}";
    for (const Parameter& parameter : operation.path_parameters) {
      for (const Hostile& value : values) {
        // 100 kB in the request line is the gateway's 431 or 414 (still 4xx).
        Expect4xxOr2xx(operation, Target(operation, {{parameter.name, value.bytes}}), body,
                       absl::StrCat(parameter.name, "=", value.label));
      }
    }
  }
  EXPECT_GT(sent_, 0);
}

TEST_F(BadInputSweepTest, HostileValuesInEveryQueryParameter) {
  std::vector<Hostile> values = HostileStrings();
  for (const char* text :
       {"-1", "0", "2147483647", "-2147483648", "99999999999999999999999", "1e400", "NaN", "true",
        "1.5", "-9223372036854775809", "1e308", "-1e308", "5e-324"}) {
    values.push_back(Text(text, text));
  }
  for (const Operation& operation : operations_) {
    const std::string body = operation.body_schema.is_null() ? "" : "{}";
    for (const Parameter& parameter : operation.query_parameters) {
      const std::string name = PercentEncode(parameter.name);
      for (const Hostile& value : values) {
        Expect4xxOr2xx(operation,
                       Target(operation, {}, absl::StrCat(name, "=", PercentEncode(value.bytes))),
                       body, absl::StrCat(parameter.name, "=", value.label));
      }
      // Given twice, and without a value.
      Expect4xxOr2xx(operation, Target(operation, {}, absl::StrCat(name, "=1&", name, "=x")), body,
                     parameter.name + " twice");
      Expect4xxOr2xx(operation, Target(operation, {}, name), body, parameter.name + " bare");
    }
    // Names that are no parameter, and a broken query string.
    for (const char* query : {"noSuchParameter=1", "%zz=%zz", "a=%00&&&=&", "[]=1&a[b]=2"}) {
      Expect4xxOr2xx(operation, Target(operation, {}, query), body, query);
    }
  }
  EXPECT_GT(sent_, 0);
}

TEST_F(BadInputSweepTest, HostileHeadersAndMethods) {
  const std::string kNotUtf8 = "\xff\xfe";
  const std::vector<std::pair<std::string, std::map<std::string, std::string>>> headers = {
      {"UTF-16 charset", {{"Content-Type", "application/json; charset=utf-16"}}},
      {"no media type", {{"Content-Type", ""}}},
      {"hostile request id", {{"X-Request-Id", "<script>\r\n*1\r\n$4\r\nPING"}}},
      {"long request id", {{"X-Request-Id", std::string(4000, 'a')}}},
      {"hostile traceparent", {{"traceparent", "00-" + kNotUtf8 + "-{appt}-01"}}},
      {"forwarded for", {{"X-Forwarded-For", "../../, <script>, 999.999.999.999"}}},
      {"origin", {{"Origin", "null"}}},
      {"accept", {{"Accept", "text/html"}}},
  };
  for (const Operation& operation : operations_) {
    const std::string body = operation.body_schema.is_null() ? "" : "{}";
    for (const auto& [label, extra] : headers) {
      Expect4xxOr2xx(operation, Target(operation, {}), body, label, extra);
    }
    // Methods the route does not have: 405 with its error body (or 404 on
    // the gateway's own paths). A method another operation of the path has
    // (DELETE /v1/me/data beside its GET) is that operation's, swept as such:
    // sent here, it would act (an erasure) and answer with that operation's
    // reasons, which depend on what the sweep left behind before.
    for (const char* method : {"DELETE", "PATCH", "TRACE", "BREW"}) {
      if (PathHasMethod(operation.path, method)) continue;
      Expect4xxOr2xx(operation, Target(operation, {}), "", method, {}, method);
    }
  }
  EXPECT_GT(sent_, 0);
}

}  // namespace
}  // namespace stadt::testing
