#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace stadt::notifications {

struct Attachment {
  std::string filename;      // ASCII, e.g. "termin.ics"
  std::string content_type;  // e.g. "text/calendar; charset=UTF-8; method=REQUEST"
  std::string data;
};

// A mail to one person, before it becomes an RFC 5322 message.
struct Mail {
  std::string to_name;  // UTF-8, may be empty
  std::string to_address;
  std::string subject;  // UTF-8
  std::string text;     // text/plain part
  std::string html;     // text/html part
  std::vector<Attachment> attachments;
};

struct MessageHeaders {
  std::string from_name;  // UTF-8
  std::string from_address;
  std::string message_id;  // without angle brackets: "<local>@<domain>"
  absl::Time date;
};

// Whether `address` may go into a header and an SMTP envelope as it is: one
// '@', a dot in the domain, printable ASCII without space, quotes, angle
// brackets, commas, semicolons or backslashes, at most 254 bytes.
bool IsSafeAddress(absl::string_view address);

// A header value as RFC 2047 encoded words ("=?UTF-8?B?...?=", each at most
// 75 characters, folded with CRLF SP) when it has anything beyond plain
// printable ASCII; as it is otherwise. CR, LF and other controls become
// spaces first, so no value can start a header of its own.
std::string EncodeHeaderText(absl::string_view text);

// The whole message: headers (From, To, Subject, Date, Message-ID,
// MIME-Version, Auto-Submitted: auto-generated), a multipart/alternative body
// with the text and the HTML (UTF-8, base64), and the attachments in a
// multipart/mixed around it. CRLF line ends, no line over 78 characters.
// INVALID_ARGUMENT if an address is not IsSafeAddress.
absl::StatusOr<std::string> RenderMessage(const Mail& mail, const MessageHeaders& headers);

// base64 in lines of 76 characters, each ended by CRLF.
std::string Base64Lines(absl::string_view data);

}  // namespace stadt::notifications
