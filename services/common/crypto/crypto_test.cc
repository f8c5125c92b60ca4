#include "services/common/crypto/crypto.h"

#include "gtest/gtest.h"

namespace stadt::crypto {
namespace {

TEST(CryptoTest, AeadRoundTripsAndBindsAssociatedData) {
  Aead aead = Aead::Create(std::string(32, 'k')).value();
  std::string sealed = aead.Seal("Erika Mustermann", "booking-1");
  EXPECT_EQ(sealed.find("Erika"), std::string::npos);
  EXPECT_EQ(aead.Open(sealed, "booking-1").value(), "Erika Mustermann");
  EXPECT_FALSE(aead.Open(sealed, "booking-2").ok());
  std::string tampered = sealed;
  tampered[14] ^= 1;
  EXPECT_FALSE(aead.Open(tampered, "booking-1").ok());
  EXPECT_FALSE(aead.Open("short", "booking-1").ok());
  EXPECT_NE(aead.Seal("same", "x"), aead.Seal("same", "x"));  // Fresh nonce each time.
}

TEST(CryptoTest, RejectsWrongKeySize) { EXPECT_FALSE(Aead::Create("short").ok()); }

TEST(CryptoTest, HashesAndMacsMatchKnownAnswers) {
  EXPECT_EQ(Base64Url(Sha256("abc")), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  // RFC 4231 test case 2.
  EXPECT_EQ(Base64Url(HmacSha256("Jefe", "what do ya want for nothing?")),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secrets"));
}

TEST(CryptoTest, RandomBytesDiffer) {
  EXPECT_EQ(RandomBytes(16).size(), 16u);
  EXPECT_NE(RandomBytes(16), RandomBytes(16));
}

}  // namespace
}  // namespace stadt::crypto
