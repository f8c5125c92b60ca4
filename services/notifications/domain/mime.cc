#include "services/notifications/domain/mime.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"

namespace stadt::notifications {
namespace {

constexpr size_t kMaxAddressLength = 254;
// 39 bytes become 52 base64 characters: with "=?UTF-8?B?" and "?=" a word
// is 64 characters, within RFC 2047's 75 and, after "Subject: ", within 78.
constexpr size_t kBytesPerWord = 39;
constexpr size_t kBase64LineLength = 76;

bool IsPlainHeaderChar(char c) {
  return absl::ascii_isalnum(c) || c == ' ' || c == '.' || c == '-' || c == '_' || c == ',' ||
         c == ':' || c == '!' || c == '?' || c == '(' || c == ')' || c == '/';
}

// The length of the UTF-8 sequence starting with `lead` (1 for a stray byte).
size_t Utf8Length(unsigned char lead) {
  if ((lead & 0xe0) == 0xc0) return 2;
  if ((lead & 0xf0) == 0xe0) return 3;
  if ((lead & 0xf8) == 0xf0) return 4;
  return 1;
}

std::string Mailbox(absl::string_view name, absl::string_view address) {
  if (name.empty()) return absl::StrCat("<", address, ">");
  // The address on a folded line of its own keeps every line short.
  return absl::StrCat(EncodeHeaderText(name), "\r\n <", address, ">");
}

std::string Boundary() {
  return absl::StrCat("=_stadt_", crypto::Base64Url(crypto::RandomBytes(12)));
}

std::string TextPart(absl::string_view content_type, absl::string_view body) {
  return absl::StrCat("Content-Type: ", content_type,
                      "\r\nContent-Transfer-Encoding: base64\r\n\r\n", Base64Lines(body));
}

}  // namespace

bool IsSafeAddress(absl::string_view address) {
  const size_t at = address.find('@');
  if (address.empty() || address.size() > kMaxAddressLength || at == 0 ||
      at == absl::string_view::npos || address.find('@', at + 1) != absl::string_view::npos ||
      address.find('.', at) == absl::string_view::npos || address.back() == '.') {
    return false;
  }
  return std::all_of(address.begin(), address.end(), [](char c) {
    return c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != ',' && c != ';' &&
           c != '\\' && c != '(' && c != ')' && c != '[' && c != ']';
  });
}

std::string EncodeHeaderText(absl::string_view text) {
  std::string clean(text);
  for (char& c : clean) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (std::all_of(clean.begin(), clean.end(), IsPlainHeaderChar) && clean.size() <= 60) {
    return clean;
  }
  std::string out;
  size_t i = 0;
  while (i < clean.size()) {
    size_t end = i;
    while (end < clean.size()) {
      const size_t next = end + Utf8Length(static_cast<unsigned char>(clean[end]));
      if (next - i > kBytesPerWord) break;
      end = std::min(next, clean.size());
    }
    if (!out.empty()) out += "\r\n ";
    absl::StrAppend(&out, "=?UTF-8?B?", absl::Base64Escape(clean.substr(i, end - i)), "?=");
    i = end;
  }
  return out;
}

std::string Base64Lines(absl::string_view data) {
  const std::string encoded = absl::Base64Escape(data);
  std::string out;
  out.reserve(encoded.size() + encoded.size() / kBase64LineLength * 2 + 2);
  for (size_t i = 0; i < encoded.size(); i += kBase64LineLength) {
    absl::StrAppend(&out, encoded.substr(i, kBase64LineLength), "\r\n");
  }
  return out;
}

absl::StatusOr<std::string> RenderMessage(const Mail& mail, const MessageHeaders& headers) {
  if (!IsSafeAddress(mail.to_address) || !IsSafeAddress(headers.from_address)) {
    return absl::InvalidArgumentError("not a mailable address");
  }
  std::string message = absl::StrCat(
      "From: ", Mailbox(headers.from_name, headers.from_address), "\r\n",
      "To: ", Mailbox(mail.to_name, mail.to_address), "\r\n",
      "Subject: ", EncodeHeaderText(mail.subject), "\r\n",
      "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", headers.date, absl::UTCTimeZone()),
      "\r\n", "Message-ID: <", headers.message_id, ">\r\n", "MIME-Version: 1.0\r\n",
      "Auto-Submitted: auto-generated\r\n");
  const std::string alternative = Boundary();
  const std::string body =
      absl::StrCat("--", alternative, "\r\n", TextPart("text/plain; charset=UTF-8", mail.text),
                   "--", alternative, "\r\n", TextPart("text/html; charset=UTF-8", mail.html), "--",
                   alternative, "--\r\n");
  const std::string alternative_type =
      absl::StrCat("multipart/alternative; boundary=\"", alternative, "\"");
  if (mail.attachments.empty()) {
    absl::StrAppend(&message, "Content-Type: ", alternative_type, "\r\n\r\n", body);
    return message;
  }
  const std::string mixed = Boundary();
  absl::StrAppend(&message, "Content-Type: multipart/mixed; boundary=\"", mixed, "\"\r\n\r\n", "--",
                  mixed, "\r\nContent-Type: ", alternative_type, "\r\n\r\n", body);
  for (const Attachment& attachment : mail.attachments) {
    absl::StrAppend(&message, "--", mixed, "\r\nContent-Type: ", attachment.content_type,
                    ";\r\n name=\"", attachment.filename,
                    "\"\r\nContent-Disposition: attachment; filename=\"", attachment.filename,
                    "\"\r\n", "Content-Transfer-Encoding: base64\r\n\r\n",
                    Base64Lines(attachment.data));
  }
  absl::StrAppend(&message, "--", mixed, "--\r\n");
  return message;
}

}  // namespace stadt::notifications
