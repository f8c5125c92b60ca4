#include "services/parking/domain/plate.h"

#include "gtest/gtest.h"

namespace stadt::parking {
namespace {

TEST(NormalizePlateTest, SpellingsOfOnePlateAreOnePlate) {
  for (const char* spelling : {"S-AB 1234", "s ab1234", "S AB-1234", " s-ab-1234 ", "SAB1234"}) {
    EXPECT_EQ(NormalizePlate(spelling).value_or("?"), "SAB1234") << spelling;
  }
  EXPECT_EQ(NormalizePlate("B-MW 1E").value_or("?"), "BMW1E");
  EXPECT_EQ(NormalizePlate("lb-x 99h").value_or("?"), "LBX99H");
}

TEST(NormalizePlateTest, RefusesWhatCannotBeAGermanPlate) {
  for (const char* bad : {"", "   ", "1234", "S-1234", "ABCDEF 12", "S-AB", "S-AB 12345",
                          "S-AB 0123", "S-AB 12X", "S-AB 12EE", "S_AB 12", "S-ÄB 12",
                          "S-AB 12; DROP", "SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS 1"}) {
    absl::StatusOr<std::string> plate = NormalizePlate(bad);
    EXPECT_EQ(plate.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace stadt::parking
