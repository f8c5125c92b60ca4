#include "gateway/transcode/utf8.h"

#include "gtest/gtest.h"

namespace stadt::gateway {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  for (const std::string& text :
       {std::string(), std::string("a\0b", 3), std::string("\xc3\xa4"), std::string("\xe2\x80\xae"),
        std::string("\xed\x9f\xbf"), std::string("\xf0\x9f\x98\x80"),
        std::string("\xf4\x8f\xbf\xbf")}) {
    EXPECT_TRUE(IsValidUtf8(text)) << text;
    EXPECT_EQ(ToValidUtf8(text), text);
  }
}

TEST(Utf8Test, RefusesWhatIsNotUtf8) {
  for (const char* text : {"\xff", "a\xfe", "\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf",
                           "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\xaf", "\xf4\x90\x80\x80",
                           "\xf5\x80\x80\x80", "\xe2\x82", "\xf0\x9f\x98", "\xc3"}) {
    EXPECT_FALSE(IsValidUtf8(text)) << text;
    EXPECT_TRUE(IsValidUtf8(ToValidUtf8(text))) << text;
  }
}

TEST(Utf8Test, ReplacesEachBadByteAndKeepsTheRest) {
  EXPECT_EQ(ToValidUtf8("a\xff"
                        "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(ToValidUtf8("\xed\xa0\x80\xc3\xa4"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xc3\xa4");
}

}  // namespace
}  // namespace stadt::gateway
