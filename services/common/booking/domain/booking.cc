#include "services/common/booking/domain/booking.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/crypto/crypto.h"
#include "services/common/reason.h"
#include "services/common/status_macros.h"

namespace stadt::booking {
namespace {

// New codes: no symbol that reads as another one (23 symbols).
constexpr char kCodeAlphabet[] = "23456789ACEFHJKMNPRTWXY";
constexpr size_t kCodeAlphabetSize = sizeof(kCodeAlphabet) - 1;
// Codes made before: still accepted (a superset of the new alphabet).
constexpr char kStoredCodeAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
constexpr size_t kCodeSymbols = 9;
constexpr size_t kMaxTypedCodeLength = 32;
// Random bytes below this are used (a multiple of the alphabet's size, so
// every symbol is equally likely).
constexpr unsigned kCodeByteLimit = 230;

char ReadAsNewSymbol(char c) {
  switch (c) {
    case 'B':
      return '8';
    case 'G':
      return '6';
    case 'S':
      return '5';
    case 'Z':
      return '2';
    default:
      return c;
  }
}

std::string WithDashes(const std::string& symbols) {
  return absl::StrCat(symbols.substr(0, 3), "-", symbols.substr(3, 3), "-", symbols.substr(6, 3));
}
constexpr size_t kMaxEmailLength = 254;
constexpr size_t kMaxNameLength = 200;
constexpr size_t kMaxPhoneLength = 32;
constexpr size_t kMinPhoneDigits = 6;
constexpr size_t kMaxPhoneDigits = 15;

bool IsControlOrSpace(char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }
// What could break out of a mail header or an SMTP envelope ("<a@b>"), and
// anything beyond ASCII (an international domain is written as xn--...).
bool IsUnmailable(char c) {
  return static_cast<unsigned char>(c) >= 0x80 || c == '<' || c == '>' || c == '"' || c == ',' ||
         c == ';' || c == '\\' || c == '(' || c == ')' || c == '[' || c == ']';
}

std::string EscapeIcsText(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == ';' || c == ',') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\r') continue;
    out += c;
  }
  return out;
}

std::string IcsTime(absl::Time time) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", time, absl::UTCTimeZone());
}

}  // namespace

bool IsPrintableUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t code = 0;
    if ((c & 0xe0) == 0xc0) {
      length = 2;
      code = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3;
      code = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    // Overlong forms, surrogates, beyond U+10FFFF, and C1 controls.
    if ((length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
        (length == 4 && code < 0x10000) || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff ||
        (code >= 0x80 && code < 0xa0) || code == 0x2028 || code == 0x2029) {
      return false;
    }
    i += length;
  }
  return true;
}

absl::StatusOr<std::string> NormalizeEmail(const std::string& email) {
  const size_t at = email.rfind('@');
  if (email.size() > kMaxEmailLength || at == std::string::npos || at == 0 ||
      at + 1 == email.size() || email.find('@') != at ||
      std::any_of(email.begin(), email.end(), IsControlOrSpace) ||
      std::any_of(email.begin(), email.end(), IsUnmailable) ||
      email.find('.', at) == std::string::npos) {
    return WithReason(absl::InvalidArgumentError("contact.email: not a valid e-mail address"),
                      "invalid_email");
  }
  std::string local = absl::AsciiStrToLower(email.substr(0, at));
  std::string domain = absl::AsciiStrToLower(email.substr(at + 1));
  if (const size_t plus = local.find('+'); plus != std::string::npos) local.resize(plus);
  if (domain == "googlemail.com") domain = "gmail.com";
  if (domain == "gmail.com") local.erase(std::remove(local.begin(), local.end(), '.'), local.end());
  if (local.empty())
    return WithReason(absl::InvalidArgumentError("contact.email: not a valid e-mail address"),
                      "invalid_email");
  return absl::StrCat(local, "@", domain);
}

absl::StatusOr<std::string> NormalizePhone(const std::string& phone) {
  if (phone.size() > kMaxPhoneLength || !std::all_of(phone.begin(), phone.end(), [](char c) {
        return absl::ascii_isdigit(c) || c == '+' || c == ' ' || c == '-' || c == '/' || c == '(' ||
               c == ')';
      })) {
    return WithReason(
        absl::InvalidArgumentError("contact.phone: digits, spaces and + - / ( ) only"),
        "invalid_phone");
  }
  std::string digits;
  for (char c : phone) {
    if (absl::ascii_isdigit(c)) digits += c;
  }
  const size_t plus = phone.find('+');
  if (plus != std::string::npos &&
      (plus != phone.find_first_not_of(' ') || phone.rfind('+') != plus)) {
    return WithReason(absl::InvalidArgumentError("contact.phone: '+' only in front"),
                      "invalid_phone");
  }
  std::string normalized;
  if (plus != std::string::npos) {
    normalized = absl::StrCat("+", digits);
  } else if (absl::StartsWith(digits, "00")) {
    normalized = absl::StrCat("+", digits.substr(2));
  } else if (absl::StartsWith(digits, "0")) {
    normalized = absl::StrCat("+49", digits.substr(1));
  } else {
    normalized = absl::StrCat("+49", digits);
  }
  if (normalized.size() < kMinPhoneDigits + 1 || normalized.size() > kMaxPhoneDigits + 1) {
    return WithReason(absl::InvalidArgumentError("contact.phone: 6 to 15 digits"), "invalid_phone");
  }
  return normalized;
}

absl::Status ValidateContact(const Contact& contact) {
  if (contact.name.empty() || contact.name.size() > kMaxNameLength) {
    return WithReason(absl::InvalidArgumentError("contact.name: required, at most 200 bytes"),
                      "contact_name_invalid");
  }
  if (!IsPrintableUtf8(contact.name)) {
    return WithReason(
        absl::InvalidArgumentError("contact.name: UTF-8 text without control characters"),
        "contact_name_invalid");
  }
  if (contact.email.empty() && contact.phone.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "contact_missing",
                   "contact: E-Mail-Adresse oder Telefonnummer angeben / an e-mail address or "
                   "a phone number is required");
  }
  if (!contact.phone.empty()) STADT_RETURN_IF_ERROR(NormalizePhone(contact.phone).status());
  if (!contact.email.empty()) STADT_RETURN_IF_ERROR(NormalizeEmail(contact.email).status());
  return absl::OkStatus();
}

std::string NewBookingCode() {
  std::string symbols;
  while (symbols.size() < kCodeSymbols) {
    for (char byte : crypto::RandomBytes(2 * kCodeSymbols)) {
      const unsigned value = static_cast<unsigned char>(byte);
      if (value >= kCodeByteLimit || symbols.size() == kCodeSymbols) continue;
      symbols += kCodeAlphabet[value % kCodeAlphabetSize];
    }
  }
  return WithDashes(symbols);
}

bool IsWellFormedBookingCode(const std::string& code) {
  if (code.size() != kCodeSymbols + 2) return false;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i % 4 == 3) {
      if (code[i] != '-') return false;
    } else if (!absl::StrContains(kStoredCodeAlphabet, code[i])) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> BookingCodeCandidates(std::string_view typed) {
  if (typed.size() > kMaxTypedCodeLength) return {};
  std::string symbols;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    symbols += absl::ascii_toupper(static_cast<unsigned char>(c));
  }
  if (symbols.size() != kCodeSymbols || !std::all_of(symbols.begin(), symbols.end(), [](char c) {
        return absl::StrContains(kStoredCodeAlphabet, c);
      })) {
    return {};
  }
  std::vector<std::string> candidates = {WithDashes(symbols)};
  std::string read = symbols;
  std::transform(read.begin(), read.end(), read.begin(), ReadAsNewSymbol);
  if (read != symbols) candidates.push_back(WithDashes(read));
  return candidates;
}

absl::Status CheckVisitOpen(const std::string& visit) {
  if (visit.empty()) return absl::OkStatus();
  if (visit == "completed") {
    return Refusal(absl::StatusCode::kFailedPrecondition, "visit_completed",
                   "Der Termin hat bereits stattgefunden. / The visit has already taken place.");
  }
  if (visit == "no_show") {
    return Refusal(absl::StatusCode::kFailedPrecondition, "visit_no_show",
                   "Der Termin wurde als nicht wahrgenommen erfasst. / The appointment was "
                   "recorded as missed.");
  }
  return Refusal(absl::StatusCode::kFailedPrecondition, "already_checked_in",
                 "Sie sind bereits angemeldet und warten auf den Aufruf. / You have already "
                 "checked in at the office.");
}

std::string MakeIcs(const IcsEvent& event) {
  std::string ics = absl::StrCat("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Stadtportal//",
                                 EscapeIcsText(event.product), "//EN\r\n");
  if (event.cancelled) {
    ics += "METHOD:CANCEL\r\n";
  } else if (event.itip) {
    ics += "METHOD:REQUEST\r\n";
  }
  ics += "BEGIN:VEVENT\r\n";
  absl::StrAppend(&ics, "UID:", EscapeIcsText(event.uid), "\r\n");
  absl::StrAppend(&ics, "DTSTAMP:", IcsTime(event.stamp), "\r\n");
  absl::StrAppend(&ics, "DTSTART:", IcsTime(event.start), "\r\n");
  absl::StrAppend(&ics, "DTEND:", IcsTime(event.end), "\r\n");
  absl::StrAppend(&ics, "SUMMARY:", EscapeIcsText(event.summary), "\r\n");
  absl::StrAppend(&ics, "LOCATION:", EscapeIcsText(event.location), "\r\n");
  absl::StrAppend(&ics, "DESCRIPTION:", EscapeIcsText(event.description), "\r\n");
  absl::StrAppend(&ics, "STATUS:", event.cancelled ? "CANCELLED" : "CONFIRMED", "\r\n");
  if (event.itip) {
    absl::StrAppend(&ics, "SEQUENCE:", event.sequence, "\r\n");
    absl::StrAppend(&ics, "ORGANIZER:mailto:", EscapeIcsText(event.organizer), "\r\n");
    absl::StrAppend(&ics, "ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:", EscapeIcsText(event.attendee),
                    "\r\n");
  }
  ics += "END:VEVENT\r\nEND:VCALENDAR\r\n";
  return ics;
}

}  // namespace stadt::booking
