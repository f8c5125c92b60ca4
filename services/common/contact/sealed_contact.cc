#include "services/common/contact/sealed_contact.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "services/common/crypto/crypto.h"
#include "services/common/reason.h"
#include "services/common/strings.h"

namespace stadt::contact {
namespace {

constexpr size_t kMaxAddressBytes = 254;  // RFC 5321's path limit less the brackets

// Characters that have a meaning in a mail header or SMTP command, and
// anything outside printable ASCII.
bool Unmailable(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte <= 0x20 || byte >= 0x7f) return true;
  return absl::StrContains("<>\",;()[]\\", c);
}

absl::Status Invalid(std::string_view field) {
  return WithReason(
      absl::InvalidArgumentError(absl::StrCat(ToAbsl(field), ": not a valid e-mail address")),
      "invalid_email");
}

}  // namespace

std::string ContactKey(std::string_view master_key, std::string_view purpose) {
  return crypto::HmacSha256(master_key, absl::StrCat("stadt.", ToAbsl(purpose), ".contact.v1"));
}

absl::StatusOr<std::string> NormalizeMailAddress(std::string_view typed, std::string_view field) {
  const absl::string_view address = absl::StripAsciiWhitespace(ToAbsl(typed));
  const size_t at = address.rfind('@');
  if (address.empty() || address.size() > kMaxAddressBytes || at == absl::string_view::npos ||
      at == 0 || at + 1 == address.size() || address.find('@') != at ||
      std::any_of(address.begin(), address.end(), Unmailable)) {
    return Invalid(field);
  }
  const std::string domain = absl::AsciiStrToLower(address.substr(at + 1));
  if (!absl::StrContains(domain, '.') || domain.front() == '.' || domain.back() == '.' ||
      absl::StrContains(domain, "..")) {
    return Invalid(field);
  }
  return absl::StrCat(address.substr(0, at), "@", domain);
}

std::string MailLanguage(std::string_view language) {
  return absl::StartsWithIgnoreCase(ToAbsl(language), "en") ? "en" : "de";
}

absl::StatusOr<std::string> Seal(std::string_view key, const MailContact& contact,
                                 std::string_view record_id) {
  absl::StatusOr<crypto::Aead> cipher = crypto::Aead::Create(key);
  if (!cipher.ok()) return cipher.status();
  const std::string json = boost::json::serialize(boost::json::object{{"email", contact.email},
                                                                      {"name", contact.name},
                                                                      {"lang", contact.language},
                                                                      {"about", contact.about}});
  return cipher->Seal(json, record_id);
}

absl::StatusOr<MailContact> Open(std::string_view key, std::string_view sealed,
                                 std::string_view record_id) {
  absl::StatusOr<crypto::Aead> cipher = crypto::Aead::Create(key);
  if (!cipher.ok()) return cipher.status();
  absl::StatusOr<std::string> json = cipher->Open(sealed, record_id);
  if (!json.ok()) return absl::DataLossError("the contact cannot be opened");
  boost::system::error_code error;
  const boost::json::value value = boost::json::parse(*json, error);
  if (error || !value.is_object()) return absl::DataLossError("the contact is malformed");
  const auto read = [&](const char* name) -> std::string {
    const boost::json::value* field = value.as_object().if_contains(name);
    return field != nullptr && field->is_string() ? std::string(field->get_string()) : "";
  };
  return MailContact{read("email"), read("name"), MailLanguage(read("lang")), read("about")};
}

}  // namespace stadt::contact
