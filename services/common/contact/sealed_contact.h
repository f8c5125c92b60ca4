#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stadt::contact {

// Where a service's notifications go: the address a citizen gave for mails
// (a parking reminder, a daycare offer), the name to greet and the language
// to write in. Sealed (AES-256-GCM) with a key of the producing service and
// bound to its record, so only that service and the notifications service
// (which holds the same master key) can read it; nothing of it is logged.
struct MailContact {
  std::string email;
  std::string name;
  std::string language;  // "de" (default) or "en"
  // What the mail is about, where that is personal too (a parking session's
  // plate); empty when the event says enough.
  std::string about = {};
};

// The contact key of `purpose` ("parking", "daycare"), derived from the
// service's master key like the booking services' (HMAC-SHA256 of
// "stadt.<purpose>.contact.v1").
std::string ContactKey(std::string_view master_key, std::string_view purpose);

// An address a citizen typed, checked and normalised for mailing: surrounding
// spaces dropped, the domain lower-cased (the local part is kept, servers may
// tell case apart). INVALID_ARGUMENT with reason `invalid_email` naming
// `field` unless it is a plausible address without characters that could
// break a mail header (controls, spaces, <>",;()[]\, non-ASCII), at most 254
// bytes.
absl::StatusOr<std::string> NormalizeMailAddress(std::string_view typed, std::string_view field);

// "de" unless `language` is English ("en", "en-GB", ...).
std::string MailLanguage(std::string_view language);

// Seals `contact` to `record_id` with `key` (ContactKey).
absl::StatusOr<std::string> Seal(std::string_view key, const MailContact& contact,
                                 std::string_view record_id);
// Opens what Seal made for the same record; DATA_LOSS if it cannot.
absl::StatusOr<MailContact> Open(std::string_view key, std::string_view sealed,
                                 std::string_view record_id);

}  // namespace stadt::contact
