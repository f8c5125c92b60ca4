#include "services/video/domain/consent_texts.h"

#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"

namespace stadt::video {
namespace {

namespace json = boost::json;

constexpr size_t kMaxVersionLength = 32;
constexpr size_t kMaxTextLength = 64 * 1024;

bool IsVersionToken(std::string_view version) {
  if (version.empty() || version.size() > kMaxVersionLength) return false;
  for (char c : version) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The non-empty string member `key` of `object`, else an error naming `where`.
absl::StatusOr<std::string> Text(const json::object& object, std::string_view key,
                                 const std::string& where) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string() || value->get_string().empty() ||
      value->get_string().size() > kMaxTextLength) {
    return absl::InvalidArgumentError(absl::StrCat("consent texts: ", where, ".", std::string(key),
                                                   " must be a non-empty string"));
  }
  return std::string(value->get_string());
}

absl::StatusOr<ConsentText> ParseVersion(const json::value& value, const std::string& where) {
  if (!value.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("consent texts: ", where, " must be objects"));
  }
  const json::object& object = value.get_object();
  ConsentText text;
  const std::pair<const char*, std::string*> fields[] = {{"version", &text.version},
                                                         {"title_de", &text.title_de},
                                                         {"title_en", &text.title_en},
                                                         {"text_de", &text.text_de},
                                                         {"text_en", &text.text_en}};
  for (auto [key, field] : fields) {
    absl::StatusOr<std::string> read = Text(object, key, where);
    if (!read.ok()) return read.status();
    *field = *std::move(read);
  }
  if (!IsVersionToken(text.version)) {
    return absl::InvalidArgumentError(absl::StrCat("consent texts: ", where, " version '",
                                                   text.version, "' is not a version token"));
  }
  return text;
}

absl::StatusOr<ConsentDocument> ParseDocument(const json::object& root, std::string_view key) {
  const std::string where(key);
  const json::value* value = root.if_contains(key);
  if (value == nullptr || !value->is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("consent texts: ", where, " missing"));
  }
  const json::object& object = value->get_object();
  ConsentDocument document;
  absl::StatusOr<std::string> current = Text(object, "current", where);
  if (!current.ok()) return current.status();
  document.current = *std::move(current);
  const json::value* versions = object.if_contains("versions");
  if (versions == nullptr || !versions->is_array()) {
    return absl::InvalidArgumentError(absl::StrCat("consent texts: ", where, ".versions missing"));
  }
  std::set<std::string> seen;
  for (const json::value& item : versions->get_array()) {
    absl::StatusOr<ConsentText> text = ParseVersion(item, where + ".versions");
    if (!text.ok()) return text.status();
    if (!seen.insert(text->version).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("consent texts: ", where, " version ", text->version, " twice"));
    }
    document.versions.push_back(*std::move(text));
  }
  if (document.Find(document.current) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("consent texts: ", where, ".current ",
                                                   document.current, " is not among its versions"));
  }
  return document;
}

}  // namespace

const ConsentText* ConsentDocument::Find(std::string_view version) const {
  for (const ConsentText& text : versions) {
    if (text.version == version) return &text;
  }
  return nullptr;
}

absl::StatusOr<ConsentKind> ConsentKindFromSlug(std::string_view slug) {
  if (slug == "privacy-notice") return ConsentKind::kPrivacyNotice;
  if (slug == "terms") return ConsentKind::kTerms;
  return absl::InvalidArgumentError("kind: privacy-notice or terms");
}

std::string_view SlugOf(ConsentKind kind) {
  return kind == ConsentKind::kPrivacyNotice ? "privacy-notice" : "terms";
}

absl::StatusOr<ConsentTexts> ParseConsentTexts(const std::string& json_text) {
  boost::system::error_code error;
  const json::value root = json::parse(json_text, error);
  if (error || !root.is_object()) {
    return absl::InvalidArgumentError("consent texts: not a JSON object");
  }
  ConsentTexts texts;
  absl::StatusOr<ConsentDocument> privacy = ParseDocument(root.get_object(), "privacy_notice");
  if (!privacy.ok()) return privacy.status();
  absl::StatusOr<ConsentDocument> terms = ParseDocument(root.get_object(), "terms");
  if (!terms.ok()) return terms.status();
  texts.privacy_notice = *std::move(privacy);
  texts.terms = *std::move(terms);
  return texts;
}

}  // namespace stadt::video
