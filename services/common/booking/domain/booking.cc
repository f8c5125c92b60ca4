#include "services/common/booking/domain/booking.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"

namespace stadt::booking {
namespace {

constexpr char kCodeAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";  // 32 symbols
constexpr size_t kCodeSymbols = 9;
constexpr size_t kMaxEmailLength = 254;
constexpr size_t kMaxNameLength = 200;
constexpr size_t kMaxPhoneLength = 32;

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
    return absl::InvalidArgumentError("contact.email: not a valid e-mail address");
  }
  std::string local = absl::AsciiStrToLower(email.substr(0, at));
  std::string domain = absl::AsciiStrToLower(email.substr(at + 1));
  if (const size_t plus = local.find('+'); plus != std::string::npos) local.resize(plus);
  if (domain == "googlemail.com") domain = "gmail.com";
  if (domain == "gmail.com") local.erase(std::remove(local.begin(), local.end(), '.'), local.end());
  if (local.empty()) return absl::InvalidArgumentError("contact.email: not a valid e-mail address");
  return absl::StrCat(local, "@", domain);
}

absl::Status ValidateContact(const Contact& contact) {
  if (contact.name.empty() || contact.name.size() > kMaxNameLength) {
    return absl::InvalidArgumentError("contact.name: required, at most 200 bytes");
  }
  if (!IsPrintableUtf8(contact.name)) {
    return absl::InvalidArgumentError("contact.name: UTF-8 text without control characters");
  }
  if (contact.phone.size() > kMaxPhoneLength ||
      !std::all_of(contact.phone.begin(), contact.phone.end(), [](char c) {
        return absl::ascii_isdigit(c) || c == '+' || c == ' ' || c == '-' || c == '/';
      })) {
    return absl::InvalidArgumentError("contact.phone: digits, spaces and + - / only");
  }
  return NormalizeEmail(contact.email).status();
}

std::string NewBookingCode() {
  const std::string random = crypto::RandomBytes(kCodeSymbols);
  std::string code;
  for (size_t i = 0; i < kCodeSymbols; ++i) {
    if (i > 0 && i % 3 == 0) code += '-';
    code += kCodeAlphabet[static_cast<unsigned char>(random[i]) % 32];
  }
  return code;
}

bool IsWellFormedBookingCode(const std::string& code) {
  if (code.size() != kCodeSymbols + 2) return false;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i % 4 == 3) {
      if (code[i] != '-') return false;
    } else if (!absl::StrContains(kCodeAlphabet, code[i])) {
      return false;
    }
  }
  return true;
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
