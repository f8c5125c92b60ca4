#include "services/parking/domain/plate.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::parking {
namespace {

using ::testing::HasSubstr;

struct Good {
  const char* country;
  const char* typed;
  const char* registration;  // as shown
  const char* key;           // as matched
};

TEST(ParsePlateTest, AcceptsPlatesAsPeopleTypeThem) {
  const Good kCases[] = {
      // German: the separator between district and letters is kept.
      {"", "S-AB 1234", "S-AB 1234", "DE:S-AB1234"},
      {"D", "S AB 1234", "S-AB 1234", "DE:S-AB1234"},
      {"DE", "s-ab1234", "S-AB 1234", "DE:S-AB1234"},
      {"de", " S - AB-1234 ", "S-AB 1234", "DE:S-AB1234"},
      {"d", "S  AB 1234", "S-AB 1234", "DE:S-AB1234"},
      {"", "SA-B 1234", "SA-B 1234", "DE:SA-B1234"},
      {"", "SA B1234", "SA-B 1234", "DE:SA-B1234"},
      // Districts with umlauts, upper or lower case, composed or not.
      {"", "TÜ-AB 12", "TÜ-AB 12", "DE:TÜ-AB12"},
      {"", "tü ab 12", "TÜ-AB 12", "DE:TÜ-AB12"},
      {"", "LÖ-X 5", "LÖ-X 5", "DE:LÖ-X5"},
      {"", "mü-z 99", "MÜ-Z 99", "DE:MÜ-Z99"},
      {"", "tu\xcc\x88-ab 12", "TÜ-AB 12", "DE:TÜ-AB12"},  // U + combining diaeresis
      {"", "KÄ-A 1", "KÄ-A 1", "DE:KÄ-A1"},
      // Electric and historic, with or without a space.
      {"", "B-MW 1E", "B-MW 1E", "DE:B-MW1E"},
      {"", "lb-x 99 h", "LB-X 99H", "DE:LB-X99H"},
      {"", "HH-A 9999", "HH-A 9999", "DE:HH-A9999"},
      {"", "WAF-XY 7", "WAF-XY 7", "DE:WAF-XY7"},
      // Other countries: matched without separators within the country.
      {"F", "AB-123-CD", "AB-123-CD", "FR:AB123CD"},
      {"fr", "ab 123 cd", "AB 123 CD", "FR:AB123CD"},
      {"A", "W 12345A", "W 12345A", "AT:W12345A"},
      {"AT", "w-12345a", "W-12345A", "AT:W12345A"},
      {"CH", "ZH 123456", "ZH 123456", "CH:ZH123456"},
      {"NL", "12-ABC-3", "12-ABC-3", "NL:12ABC3"},
      {"I", "AB 123CD", "AB 123CD", "IT:AB123CD"},
      {"PL", "WE 1234K", "WE 1234K", "PL:WE1234K"},
      {"HR", "čk 123-ab", "ČK 123-AB", "HR:ČK123AB"},
      {"SE", "åäö 123", "ÅÄÖ 123", "SE:ÅÄÖ123"},
      {"UK", "AB12 CDE", "AB12 CDE", "GB:AB12CDE"},
      {"B", "1.ABC.234", "1.ABC.234", "BE:1ABC234"},
      {"USA", "7ABC123", "7ABC123", "US:7ABC123"},
  };
  for (const Good& c : kCases) {
    absl::StatusOr<Plate> plate = ParsePlate(c.country, c.typed);
    ASSERT_TRUE(plate.ok()) << c.country << " " << c.typed << ": " << plate.status();
    EXPECT_EQ(plate->registration, c.registration) << c.typed;
    EXPECT_EQ(plate->key, c.key) << c.typed;
    EXPECT_EQ(plate->country, std::string(c.key).substr(0, 2)) << c.typed;
    // What is shown parses to the same plate again.
    EXPECT_EQ(ParsePlate(plate->country, plate->registration).value_or(Plate()), *plate) << c.typed;
  }
}

TEST(ParsePlateTest, TheSeparatorsPlaceTellsGermanCarsApart) {
  const Plate stuttgart = ParsePlate("D", "S-AB 1234").value();
  const Plate saulgau = ParsePlate("D", "SA-B 1234").value();
  EXPECT_NE(stuttgart.key, saulgau.key);
  // One registration in two countries is two cars.
  EXPECT_NE(ParsePlate("F", "AB-123-CD").value().key, ParsePlate("I", "AB-123-CD").value().key);
}

struct Bad {
  const char* country;
  std::string_view typed;
  const char* reason;
};

TEST(ParsePlateTest, RefusesWithTheReason) {
  const Bad kCases[] = {
      {"", "SAB 1234", "ambiguous plate"},
      {"", "SAB1234", "ambiguous plate"},
      {"", "TÜAB 12", "ambiguous plate"},
      {"", "", "empty"},
      {"", "   ", "empty"},
      {"", "S-AB 0123", "not starting with 0"},
      {"", "S-AB 12345", "1-4 digits"},
      {"", "S-AB", "1-4 digits"},
      {"", "S-ABC 12", "1-2 letters"},
      {"", "S-ÄB 12", "1-2 letters"},
      {"", "ABCD-E 1", "1-3 letters"},
      {"", "S-AB 12X", "E (electric) or H (historic)"},
      {"", "S-AB 12EH", "E (electric) or H (historic)"},
      {"", "S-AB 12-E", "E (electric) or H (historic)"},
      {"", "S.AB 12", "hyphen or space between district and letters"},
      {"", "S--AB 12", "one separator"},
      {"", "1234", "starts with the district"},
      {"", "S_AB 12", "only letters, digits"},
      {"", "S-AB\t12", "only letters, digits"},
      {"", std::string_view("S-AB 1\0", 7), "only letters, digits"},
      {"", "S-AB 1\xff", "not valid UTF-8"},
      {"", "S-\xc3", "not valid UTF-8"},
      {"", "S-\xc0\xa0 1", "not valid UTF-8"},  // overlong
      {"", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1", "too long"},
      {"F", "A", "2-12 letters and digits"},
      {"F", "ABCDEFGHIJKLM", "2-12 letters and digits"},
      {"F", "AB--12", "single spaces, hyphens or dots"},
      {"F", "AB-", "single spaces, hyphens or dots"},
      {"F", "-AB", "single spaces, hyphens or dots"},
      {"F", "AB 12 €", "only letters, digits"},
      {"F", "AB 12 \xf0\x9f\x9a\x97", "only letters, digits"},  // a car emoji
      {"XX", "AB 123", "ISO 3166-1"},
      {"GER", "S-AB 1", "ISO 3166-1"},
      {"DEU", "S-AB 1", "ISO 3166-1"},
      {"D E", "S-AB 1", "ISO 3166-1"},
  };
  for (const Bad& c : kCases) {
    absl::StatusOr<Plate> plate = ParsePlate(c.country, c.typed);
    EXPECT_EQ(plate.status().code(), absl::StatusCode::kInvalidArgument)
        << c.country << " " << c.typed;
    EXPECT_THAT(plate.status().message(), HasSubstr(c.reason)) << c.country << " " << c.typed;
  }
}

TEST(ParsePlateCountryTest, IsoCodesAndPlateSigns) {
  EXPECT_EQ(ParsePlateCountry("").value_or("?"), "DE");
  EXPECT_EQ(ParsePlateCountry("D").value_or("?"), "DE");
  EXPECT_EQ(ParsePlateCountry("de").value_or("?"), "DE");
  EXPECT_EQ(ParsePlateCountry("A").value_or("?"), "AT");
  EXPECT_EQ(ParsePlateCountry("CH").value_or("?"), "CH");
  EXPECT_EQ(ParsePlateCountry("FL").value_or("?"), "LI");
  EXPECT_EQ(ParsePlateCountry("zw").value_or("?"), "ZW");
  EXPECT_EQ(ParsePlateCountry("AD").value_or("?"), "AD");
  // Not assigned, reserved or user-assigned codes are no country.
  for (const char* code : {"AA", "EU", "XK", "UN", "ZZ", "QQ", "1", "\xc3\x84"}) {
    EXPECT_FALSE(ParsePlateCountry(code).ok()) << code;
  }
}

}  // namespace
}  // namespace stadt::parking
