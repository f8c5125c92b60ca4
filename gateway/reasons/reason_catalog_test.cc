#include "gateway/reasons/reason_catalog.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/reason.h"

namespace stadt::gateway {
namespace {

TEST(ReasonCatalogTest, IsSortedWithoutDuplicatesSoLookupsFindEveryEntry) {
  std::string previous;
  for (const ReasonText& text : AllReasons()) {
    EXPECT_LT(previous, text.reason) << "out of order or twice: " << text.reason;
    previous = std::string(text.reason);
    EXPECT_EQ(FindReason(text.reason), &text) << text.reason;
  }
  EXPECT_EQ(FindReason("no_such_reason"), nullptr);
  EXPECT_EQ(FindReason(""), nullptr);
}

TEST(ReasonCatalogTest, EveryReasonHasAStatusAndBothTexts) {
  for (const ReasonText& text : AllReasons()) {
    EXPECT_TRUE(IsReasonToken(text.reason)) << text.reason;
    EXPECT_GE(text.http_status, 400) << text.reason;
    EXPECT_LE(text.http_status, 599) << text.reason;
    EXPECT_FALSE(text.de.empty()) << text.reason << " has no German text";
    EXPECT_FALSE(text.en.empty()) << text.reason << " has no English text";
    EXPECT_NE(text.de, text.en) << text.reason << ": the German text is the English one";
    EXPECT_TRUE(text.de.back() == '.' && text.en.back() == '.') << text.reason << ": sentences";
  }
}

TEST(ReasonCatalogTest, GermanIsTheDefaultAndEnglishOnRequest) {
  const ReasonText* text = FindReason("plate_ambiguous");
  ASSERT_NE(text, nullptr);
  EXPECT_THAT(std::string(MessageIn(*text, "de")), ::testing::HasSubstr("mehrdeutig"));
  EXPECT_THAT(std::string(MessageIn(*text, "en")), ::testing::HasSubstr("ambiguous"));
  EXPECT_EQ(MessageIn(*text, "fr"), text->de);
  EXPECT_EQ(MessageIn(*text, ""), text->de);
}

TEST(ReasonCatalogTest, CommonReasonsAreInTheCatalog) {
  for (std::string_view reason : CommonReasons()) {
    EXPECT_NE(FindReason(reason), nullptr) << reason;
  }
}

}  // namespace
}  // namespace stadt::gateway
