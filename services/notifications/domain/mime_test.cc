#include "services/notifications/domain/mime.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::notifications {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Decodes every "=?UTF-8?B?...?=" word of a header value.
std::string DecodeWords(const std::string& value) {
  std::string out;
  size_t i = 0;
  while ((i = value.find("=?UTF-8?B?", i)) != std::string::npos) {
    const size_t end = value.find("?=", i + 10);
    std::string decoded;
    EXPECT_TRUE(absl::Base64Unescape(value.substr(i + 10, end - i - 10), &decoded));
    out += decoded;
    i = end + 2;
  }
  return out;
}

MessageHeaders Headers() {
  return {"Stadtportal", "termine@stadt.example", "abc@stadt.example",
          absl::FromUnixSeconds(1'800'000'000)};
}

TEST(MimeTest, EncodesUmlautsAsEncodedWordsOfAtMost75Characters) {
  const std::string name = "Jürgen Müller-Lüdenscheidt, Straße der Größten Ärgernisse";
  const std::string encoded = EncodeHeaderText(name);
  EXPECT_EQ(DecodeWords(encoded), name);
  for (absl::string_view line : absl::StrSplit(encoded, "\r\n")) {
    EXPECT_LE(absl::StripLeadingAsciiWhitespace(line).size(), 75u) << line;
  }
  EXPECT_EQ(EncodeHeaderText("Plain Subject"), "Plain Subject");
}

TEST(MimeTest, LineBreaksCannotStartAHeader) {
  const std::string encoded = EncodeHeaderText("Erika\r\nBcc: victim@example.org");
  EXPECT_THAT(encoded, Not(HasSubstr("\r\nBcc")));
  EXPECT_THAT(encoded, Not(HasSubstr("\n")));
  Mail mail{"Eve\r\nBcc: x@example.org", "eve@example.org", "Hi\nthere", "t", "h", {}};
  absl::StatusOr<std::string> message = RenderMessage(mail, Headers());
  ASSERT_TRUE(message.ok());
  EXPECT_THAT(*message, Not(HasSubstr("\r\nBcc:")));
}

TEST(MimeTest, RefusesAddressesThatCouldSplitAHeaderOrTheEnvelope) {
  EXPECT_TRUE(IsSafeAddress("erika.mustermann+tag@example.org"));
  EXPECT_FALSE(IsSafeAddress("erika@example.org>\r\nRCPT TO:<x@y.z"));
  EXPECT_FALSE(IsSafeAddress("erika @example.org"));
  EXPECT_FALSE(IsSafeAddress("a@b@example.org"));
  EXPECT_FALSE(IsSafeAddress("erika@localhost"));
  Mail mail{"Erika", "bad\n@example.org", "s", "t", "h", {}};
  EXPECT_EQ(RenderMessage(mail, Headers()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MimeTest, MessageHasTheRequiredHeadersAndParts) {
  Mail mail{"Jürgen",
            "juergen@example.org",
            "Ihr Termin am Montag",
            "Grüße",
            "<p>Grüße</p>",
            {{"termin.ics", "text/calendar; method=REQUEST", "BEGIN:VCALENDAR"}}};
  absl::StatusOr<std::string> message = RenderMessage(mail, Headers());
  ASSERT_TRUE(message.ok());
  EXPECT_THAT(*message, HasSubstr("From: Stadtportal\r\n <termine@stadt.example>\r\n"));
  EXPECT_THAT(*message, HasSubstr("To: =?UTF-8?B?"));
  EXPECT_THAT(*message, HasSubstr("<juergen@example.org>\r\n"));
  EXPECT_THAT(*message, HasSubstr("Message-ID: <abc@stadt.example>\r\n"));
  EXPECT_THAT(*message, HasSubstr("Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"));
  EXPECT_THAT(*message, HasSubstr("Auto-Submitted: auto-generated\r\n"));
  EXPECT_THAT(*message, HasSubstr("Content-Type: multipart/mixed; boundary="));
  EXPECT_THAT(*message, HasSubstr("Content-Type: multipart/alternative; boundary="));
  EXPECT_THAT(*message, HasSubstr("Content-Type: text/plain; charset=UTF-8\r\n"));
  EXPECT_THAT(*message, HasSubstr("Content-Type: text/html; charset=UTF-8\r\n"));
  EXPECT_THAT(*message, HasSubstr("filename=\"termin.ics\""));
  EXPECT_THAT(*message, HasSubstr(Base64Lines("Grüße")));
  for (absl::string_view line : absl::StrSplit(*message, "\r\n")) {
    EXPECT_LE(line.size(), 78u) << line;
    EXPECT_THAT(line, Not(HasSubstr("\n")));
  }
}

}  // namespace
}  // namespace stadt::notifications
