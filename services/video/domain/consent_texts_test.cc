#include "services/video/domain/consent_texts.h"

#include <fstream>
#include <sstream>

#include "gtest/gtest.h"

namespace stadt::video {
namespace {

constexpr char kTwoVersions[] = R"({
  "privacy_notice": {"current": "2026-01", "versions": [
    {"version": "2025-03", "title_de": "D", "title_en": "P", "text_de": "alt", "text_en": "old"},
    {"version": "2026-01", "title_de": "D", "title_en": "P", "text_de": "neu", "text_en": "new"}]},
  "terms": {"current": "3", "versions": [
    {"version": "3", "title_de": "N", "title_en": "T", "text_de": "Regeln", "text_en": "Rules"}]}
})";

TEST(ConsentTextsTest, FindsEveryPublishedVersionAndTheCurrentOne) {
  absl::StatusOr<ConsentTexts> texts = ParseConsentTexts(kTwoVersions);
  ASSERT_TRUE(texts.ok()) << texts.status();
  EXPECT_EQ(texts->privacy_notice.Current().text_en, "new");
  ASSERT_NE(texts->privacy_notice.Find("2025-03"), nullptr);
  EXPECT_EQ(texts->privacy_notice.Find("2025-03")->text_de, "alt");
  EXPECT_EQ(texts->privacy_notice.Find("1999"), nullptr);
  EXPECT_EQ(texts->Of(ConsentKind::kTerms).Current().title_de, "N");
}

TEST(ConsentTextsTest, RefusesACurrentVersionThatIsNotPublished) {
  std::string text = kTwoVersions;
  text.replace(text.find("\"current\": \"3\""), 14, "\"current\": \"4\"");
  EXPECT_FALSE(ParseConsentTexts(text).ok());
}

TEST(ConsentTextsTest, RefusesMissingTextsDuplicatesAndBadVersions) {
  EXPECT_FALSE(ParseConsentTexts("[]").ok());
  EXPECT_FALSE(ParseConsentTexts(R"({"privacy_notice": {}})").ok());
  std::string empty_text = kTwoVersions;
  empty_text.replace(empty_text.find("\"Rules\""), 7, "\"\"");
  EXPECT_FALSE(ParseConsentTexts(empty_text).ok());
  std::string twice = kTwoVersions;
  twice.replace(twice.find("\"2025-03\""), 9, "\"2026-01\"");
  EXPECT_FALSE(ParseConsentTexts(twice).ok());
  std::string bad_version = kTwoVersions;
  bad_version.replace(bad_version.find("\"2025-03\""), 9, "\"a/b\"");
  EXPECT_FALSE(ParseConsentTexts(bad_version).ok());
}

TEST(ConsentTextsTest, KindsHaveTheirPathSlugs) {
  EXPECT_EQ(*ConsentKindFromSlug("privacy-notice"), ConsentKind::kPrivacyNotice);
  EXPECT_EQ(*ConsentKindFromSlug("terms"), ConsentKind::kTerms);
  EXPECT_FALSE(ConsentKindFromSlug("Terms").ok());
  EXPECT_EQ(SlugOf(ConsentKind::kPrivacyNotice), "privacy-notice");
}

// The shipped file parses, so the service starts with it.
TEST(ConsentTextsTest, TheSeedFileIsValid) {
  std::ifstream file(STADT_VIDEO_CONSENT_TEXTS_FILE);
  ASSERT_TRUE(file) << STADT_VIDEO_CONSENT_TEXTS_FILE;
  std::stringstream content;
  content << file.rdbuf();
  absl::StatusOr<ConsentTexts> texts = ParseConsentTexts(content.str());
  ASSERT_TRUE(texts.ok()) << texts.status();
  EXPECT_EQ(texts->privacy_notice.current, "2026-01");
  EXPECT_EQ(texts->terms.current, "3");
}

}  // namespace
}  // namespace stadt::video
