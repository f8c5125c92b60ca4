#include "services/appointments/domain/search_text.h"

#include "gtest/gtest.h"

namespace stadt::appointments {
namespace {

TEST(FoldForSearchTest, IgnoresCase) {
  EXPECT_EQ(FoldForSearch("MITTE"), FoldForSearch("mitte"));
  EXPECT_EQ(FoldForSearch("Bad Cannstatt"), "bad cannstatt");
}

TEST(FoldForSearchTest, SharpSIsDoubleS) {
  EXPECT_TRUE(SameForSearch("Straße", "Strasse"));
  EXPECT_TRUE(SameForSearch("STRASSE", "straße"));
}

TEST(FoldForSearchTest, UmlautsMatchTheirPlainAndSpelledOutForms) {
  EXPECT_TRUE(SameForSearch("muller", "Müller"));
  EXPECT_TRUE(SameForSearch("Mueller", "Müller"));
  EXPECT_TRUE(SameForSearch("Bürgerbüro", "Buergerbuero"));
  EXPECT_TRUE(SameForSearch("Zuffenhausen", "ZUFFENHAUSEN"));
  EXPECT_TRUE(SameForSearch("Österreich", "oesterreich"));
  EXPECT_TRUE(SameForSearch("ÄRZTE", "arzte"));
}

TEST(FoldForSearchTest, DropsOtherAccents) {
  EXPECT_TRUE(SameForSearch("Café Éclair", "cafe eclair"));
  EXPECT_TRUE(SameForSearch("Łódź", "lodz"));
  EXPECT_TRUE(SameForSearch("Ñandú", "nandu"));
}

TEST(FoldForSearchTest, HyphensAndRunsOfSpacesAreOneSpace) {
  EXPECT_EQ(FoldForSearch("  Stuttgart-Mitte  "), "stuttgart mitte");
  EXPECT_TRUE(SameForSearch("Bad  Cannstatt", "bad-cannstatt"));
}

TEST(FoldForSearchTest, DifferentNamesStayDifferent) {
  EXPECT_FALSE(SameForSearch("Mitte", "Mitt"));
  EXPECT_FALSE(SameForSearch("Nord", "Süd"));
  EXPECT_FALSE(SameForSearch("Weilimdorf", "Feuerbach"));
}

TEST(FoldForSearchTest, KeepsWhatItCannotFold) {
  // Greek, a three-byte sign, a lone continuation byte and a cut-off lead byte.
  EXPECT_EQ(FoldForSearch("Αθήνα"), "Αθήνα");
  EXPECT_EQ(FoldForSearch("5 €"), "5 €");
  EXPECT_EQ(FoldForSearch("a\x80z"), "a\x80z");
  EXPECT_EQ(FoldForSearch("x\xC3"), "x\xC3");
  EXPECT_EQ(FoldForSearch("2×3"), "2×3");
  EXPECT_EQ(FoldForSearch(""), "");
}

}  // namespace
}  // namespace stadt::appointments
