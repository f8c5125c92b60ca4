#include "services/parking/domain/receipt.h"

#include "gtest/gtest.h"

namespace stadt::parking {
namespace {

TEST(ReceiptTest, VatIsContainedInTheGrossPriceRoundedHalfUp) {
  struct Case {
    int64_t gross;
    int percent;
    int64_t vat;
  };
  const Case kCases[] = {
      {480, 19, 77},    // 480 x 19 / 119 = 76.64
      {119, 19, 19},    // exactly 19.00
      {100, 19, 16},    // 15.97
      {3, 19, 0},       // 0.48
      {4, 19, 1},       // 0.64
      {1250, 7, 82},    // 81.78
      {107, 7, 7},      // exactly 7.00
      {200, 19, 32},    // 31.93
      {50, 19, 8},      // 7.98
      {1000, 0, 0},     // no VAT
      {0, 19, 0},       // free
      {2975, 19, 475},  // 475.00
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(IncludedVatCents(c.gross, c.percent), c.vat) << c.gross << " at " << c.percent;
  }
  // Exactly half a cent rounds up: 3 ct at 100 % contain 1.5 ct, 1 ct 0.5 ct.
  EXPECT_EQ(IncludedVatCents(3, 100), 2);
  EXPECT_EQ(IncludedVatCents(1, 100), 1);  // 0.5 -> 1
}

TEST(ReceiptTest, ANumberFromTheSessionIdAndNetPlusVatIsGross) {
  Zone zone;
  zone.id = "1101";
  zone.name = "Innenstadt West";
  Session session;
  session.id = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  session.zone_id = "1101";
  session.start = absl::FromUnixSeconds(1795424400);
  session.end = session.start + absl::Minutes(90);
  session.stopped = true;
  session.price_cents = 480;
  ReceiptSettings settings;
  settings.issuer.tax_id = "99/999/99999";
  const TaxReceipt receipt = MakeTaxReceipt(session, zone, settings);
  EXPECT_EQ(receipt.number, "PK-A1B2C3D4E5F60718293A4B5C6D7E8F90");
  EXPECT_EQ(receipt.number, ReceiptNumber(session.id));
  EXPECT_EQ(receipt.issuer.name, "Landeshauptstadt Stuttgart");
  EXPECT_EQ(receipt.issuer.tax_id, "99/999/99999");
  EXPECT_EQ(receipt.zone_name, "Innenstadt West");
  EXPECT_EQ(receipt.start, session.start);
  EXPECT_EQ(receipt.end, session.end);
  EXPECT_EQ(receipt.gross_cents, 480);
  EXPECT_EQ(receipt.vat_percent, 19);
  EXPECT_EQ(receipt.vat_cents, 77);
  EXPECT_EQ(receipt.net_cents, 403);
}

}  // namespace
}  // namespace stadt::parking
