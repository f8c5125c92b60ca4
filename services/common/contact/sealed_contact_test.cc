#include "services/common/contact/sealed_contact.h"

#include "gtest/gtest.h"
#include "services/common/reason.h"

namespace stadt::contact {
namespace {

const std::string kMaster(32, 'k');

TEST(NormalizeMailAddressTest, TrimsAndLowerCasesTheDomainOnly) {
  // Non-ASCII local parts are refused: not every mail server takes them.
  EXPECT_FALSE(NormalizeMailAddress("Jürgen@example.org", "email").ok());
  absl::StatusOr<std::string> address = NormalizeMailAddress("  Erika.M@Example.ORG ", "email");
  ASSERT_TRUE(address.ok()) << address.status();
  EXPECT_EQ(*address, "Erika.M@example.org");
}

TEST(NormalizeMailAddressTest, RefusesWhatCouldBreakAHeaderWithAReason) {
  for (const char* bad : {"", "a", "a@b", "@example.org", "a@", "a@@example.org", "a b@example.org",
                          "a@example.org\r\nBcc: x@evil.test", "<a@example.org>", "a,b@example.org",
                          "a@example..org", "a@.example.org"}) {
    absl::StatusOr<std::string> address = NormalizeMailAddress(bad, "notify_email");
    ASSERT_FALSE(address.ok()) << bad;
    EXPECT_EQ(address.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ReasonOf(address.status()), "invalid_email");
    EXPECT_NE(address.status().message().find("notify_email"), std::string::npos);
  }
  EXPECT_FALSE(NormalizeMailAddress(std::string(250, 'a') + "@example.org", "email").ok());
}

TEST(SealedContactTest, OpensOnlyForTheSameRecordAndKey) {
  const std::string key = ContactKey(kMaster, "parking");
  EXPECT_NE(key, ContactKey(kMaster, "daycare"));
  absl::StatusOr<std::string> sealed = Seal(key, {"erika@example.org", "Erika Müller", "en"}, "r1");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->find("erika"), std::string::npos);
  absl::StatusOr<MailContact> opened = Open(key, *sealed, "r1");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->email, "erika@example.org");
  EXPECT_EQ(opened->name, "Erika Müller");
  EXPECT_EQ(opened->language, "en");
  EXPECT_EQ(Open(key, *sealed, "r2").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Open(ContactKey(kMaster, "daycare"), *sealed, "r1").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(MailLanguageTest, GermanUnlessEnglish) {
  EXPECT_EQ(MailLanguage("en"), "en");
  EXPECT_EQ(MailLanguage("en-GB"), "en");
  EXPECT_EQ(MailLanguage("de"), "de");
  EXPECT_EQ(MailLanguage(""), "de");
  EXPECT_EQ(MailLanguage("fr"), "de");
}

}  // namespace
}  // namespace stadt::contact
