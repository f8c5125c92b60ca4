#include "tests/e2e/refusal_walk.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace stadt::testing {
namespace {

// The reasons a service answers when it gives none of its own: the lower-case
// gRPC code. A walked refusal must never carry one of these.
const std::set<std::string>& CodeNames() {
  static const std::set<std::string> names = {"cancelled",
                                              "unknown",
                                              "invalid_argument",
                                              "deadline_exceeded",
                                              "not_found",
                                              "already_exists",
                                              "permission_denied",
                                              "resource_exhausted",
                                              "failed_precondition",
                                              "aborted",
                                              "out_of_range",
                                              "unimplemented",
                                              "internal",
                                              "unavailable",
                                              "data_loss",
                                              "unauthenticated"};
  return names;
}

std::string Text(boost::json::string_view text) { return std::string(text.data(), text.size()); }

}  // namespace

bool NearAClockChange() {
  absl::TimeZone berlin;
  if (!absl::LoadTimeZone("Europe/Berlin", &berlin)) return false;
  const absl::Time now = absl::Now();
  const int offset = berlin.At(now).offset;
  return berlin.At(now - absl::Hours(1)).offset != offset ||
         berlin.At(now + absl::Hours(1)).offset != offset;
}

std::string WriteTempFile(const std::string& name, const std::string& contents) {
  const std::string path = absl::StrCat(::testing::TempDir(), name);
  std::ofstream(path) << contents;
  return path;
}

void RefusalWalk::StartStack(const std::set<std::string>& services, const StackOptions& options,
                             const std::string& ready_target) {
  absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::StartWith(services, options);
  ASSERT_TRUE(stack.ok()) << stack.status();
  stack_ = *std::move(stack);
  ASSERT_TRUE(stack_->WaitUntil(200, ready_target)) << stack_->Logs();
  HttpResult document = stack_->Fetch("GET", "/openapi.json");
  ASSERT_EQ(document.status, 200);
  openapi_ = Json(document);
  for (const boost::json::value& reason : openapi_.at("x-common-reasons").as_array()) {
    common_.insert(Text(reason.as_string()));
  }
}

OperationKey RefusalWalk::OperationFor(const std::string& method, const std::string& path) const {
  const std::vector<std::string> segments = absl::StrSplit(path, '/');
  OperationKey best;
  int best_literals = -1;
  for (const auto& [key, item] : openapi_.at("paths").as_object()) {
    const std::vector<std::string> pattern = absl::StrSplit(Text(key), '/');
    if (pattern.size() != segments.size() ||
        !item.as_object().contains(absl::AsciiStrToLower(method))) {
      continue;
    }
    int literals = 0;
    bool matches = true;
    for (size_t i = 0; i < pattern.size() && matches; ++i) {
      if (!pattern[i].empty() && pattern[i].front() == '{') continue;
      matches = pattern[i] == segments[i];
      ++literals;
    }
    if (matches && literals > best_literals) {
      best = absl::StrCat(method, " ", Text(key));
      best_literals = literals;
    }
  }
  return best;
}

const boost::json::object& RefusalWalk::Operation(const OperationKey& key) const {
  const size_t space = key.find(' ');
  return openapi_.at("paths")
      .at(key.substr(space + 1))
      .at(absl::AsciiStrToLower(key.substr(0, space)))
      .as_object();
}

std::set<std::string> RefusalWalk::Declared(const OperationKey& key) const {
  std::set<std::string> declared;
  for (const boost::json::value& reason : Operation(key).at("x-reasons").as_array()) {
    declared.insert(Text(reason.as_string()));
  }
  return declared;
}

void RefusalWalk::ExpectRefusal(const std::string& method, const std::string& target,
                                const std::string& body, const std::string& token,
                                const std::string& reason) {
  SCOPED_TRACE(absl::StrCat(method, " ", target, " ", body, " -> ", reason));
  ASSERT_FALSE(CodeNames().contains(reason)) << "walk specific reasons, not code names";
  const OperationKey operation = OperationFor(method, target.substr(0, target.find('?')));
  ASSERT_FALSE(operation.empty()) << "no operation in the document";
  const boost::json::object& texts = openapi_.at("x-reasons").as_object();
  ASSERT_TRUE(texts.contains(reason)) << "the reason catalog lacks " << reason;
  const boost::json::value& text = texts.at(reason);
  for (const std::string language : {"de", "en"}) {
    std::map<std::string, std::string> headers;
    if (language == "en") headers["Accept-Language"] = "en-GB,en;q=0.9";
    HttpResult result = stack_->Fetch(method, target, body, token, headers);
    EXPECT_EQ(Reason(result), reason) << result.body;
    EXPECT_EQ(result.status, text.at("status").as_int64()) << result.body;
    EXPECT_EQ(Json(result).at("message"), text.at(language)) << result.body;
    EXPECT_EQ(result.headers["content-language"], language);
    EXPECT_TRUE(Declared(operation).contains(Reason(result)) || common_.contains(Reason(result)))
        << Reason(result) << " is not declared for " << operation;
  }
  walked_[operation].insert(reason);
}

void RefusalWalk::ExpectEveryDeclaredReasonWalked(
    const std::string& tag, const std::map<std::string, std::string>& not_walkable) {
  int operations = 0;
  for (const auto& [path, item] : openapi_.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (operation.as_object().at("tags").at(0) != tag.c_str()) continue;
      ++operations;
      const OperationKey key = absl::StrCat(absl::AsciiStrToUpper(Text(method)), " ", Text(path));
      for (const std::string& reason : Declared(key)) {
        if (walked_[key].contains(reason)) continue;
        EXPECT_TRUE(not_walkable.contains(absl::StrCat(key, " ", reason)))
            << key << " declares " << reason << " but the walk never provoked it";
      }
    }
  }
  for (const auto& [exempt, why] : not_walkable) {
    const size_t last = exempt.rfind(' ');
    EXPECT_FALSE(walked_[exempt.substr(0, last)].contains(exempt.substr(last + 1)))
        << exempt << " is exempt (" << why << ") but was walked: drop the exemption";
  }
  EXPECT_GT(operations, 0) << "no operation is tagged " << tag;
}

std::string RefusalWalk::Token(const std::string& subject, const std::vector<std::string>& roles,
                               const std::string& scope) const {
  return stack_->tokens().Mint(subject, roles, absl::Now(), absl::Minutes(10), kTestIssuer, scope);
}

}  // namespace stadt::testing
