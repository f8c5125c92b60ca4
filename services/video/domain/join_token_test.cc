#include "services/video/domain/join_token.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::video {
namespace {

using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

JitsiSettings Settings() {
  return {"stadtportal", "jitsi shared secret", "https://meet.stadt.example", "jitsi", ""};
}

JoinClaims Citizen() {
  return {"stadt-0123456789abcdef0123456789abcdef",
          "p-1",
          "Erika",
          false,
          kStart - absl::Minutes(10),
          kStart + absl::Minutes(30)};
}

// What a Jitsi server does with the token, written without the code under test:
// OpenSSL's HMAC over "header.payload" with the shared secret.
std::string IndependentSignature(const std::string& secret, const std::string& input) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest, &length);
  std::string raw(reinterpret_cast<const char*>(digest), length);
  std::string encoded;
  absl::WebSafeBase64Escape(raw, &encoded);
  return encoded;
}

boost::json::object DecodePart(const std::string& part) {
  std::string text;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(part, &text));
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(text, error);
  EXPECT_FALSE(error) << text;
  return value.is_object() ? value.get_object() : boost::json::object{};
}

TEST(JoinTokenTest, IsAJitsiJwtWithTheExpectedSignatureAndClaims) {
  const std::string token = SignJoinToken(Settings(), Citizen());
  const std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2], IndependentSignature("jitsi shared secret", parts[0] + "." + parts[1]));
  boost::json::object header = DecodePart(parts[0]);
  EXPECT_EQ(header["alg"], "HS256");
  EXPECT_EQ(header["typ"], "JWT");
  boost::json::object payload = DecodePart(parts[1]);
  EXPECT_EQ(payload["iss"], "stadtportal");
  EXPECT_EQ(payload["aud"], "jitsi");
  EXPECT_EQ(payload["sub"], "meet.stadt.example");
  EXPECT_EQ(payload["room"], "stadt-0123456789abcdef0123456789abcdef");
  EXPECT_EQ(payload["nbf"].as_int64(), 1'800'000'000 - 600);
  EXPECT_EQ(payload["exp"].as_int64(), 1'800'000'000 + 1800);
  EXPECT_EQ(payload["moderator"], false);
  EXPECT_EQ(payload["context"].at("user").at("id"), "p-1");
  EXPECT_EQ(payload["context"].at("user").at("name"), "Erika");
  EXPECT_EQ(JoinUrl(Settings(), "room-x", token), "https://meet.stadt.example/room-x?jwt=" + token);
}

TEST(JoinTokenTest, ModeratorAndNamelessUser) {
  JoinClaims claims = Citizen();
  claims.moderator = true;
  claims.user_name.clear();
  const std::vector<std::string> parts = absl::StrSplit(SignJoinToken(Settings(), claims), '.');
  ASSERT_EQ(parts.size(), 3u);
  boost::json::object payload = DecodePart(parts[1]);
  EXPECT_EQ(payload["moderator"], true);
  EXPECT_FALSE(payload["context"].at("user").as_object().contains("name"));
}

TEST(JoinTokenTest, VerifiesWithinTheWindowOnly) {
  const JoinClaims claims = Citizen();
  const std::string token = SignJoinToken(Settings(), claims);
  absl::StatusOr<JoinClaims> ok = VerifyJoinToken(Settings(), token, claims.room, kStart);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->user_id, "p-1");
  EXPECT_FALSE(ok->moderator);
  EXPECT_TRUE(VerifyJoinToken(Settings(), token, claims.room, claims.not_before).ok());
  EXPECT_THAT(VerifyJoinToken(Settings(), token, claims.room, claims.not_before - absl::Seconds(1))
                  .status()
                  .message(),
              HasSubstr("not valid yet"));
  EXPECT_THAT(VerifyJoinToken(Settings(), token, claims.room, claims.expires).status().message(),
              HasSubstr("expired"));
}

TEST(JoinTokenTest, RefusesAlteredAndForeignTokens) {
  const JoinClaims claims = Citizen();
  const std::string token = SignJoinToken(Settings(), claims);
  const std::vector<std::string> parts = absl::StrSplit(token, '.');
  // Altered: the payload says moderator, the signature is the old one.
  JoinClaims promoted = claims;
  promoted.moderator = true;
  const std::vector<std::string> forged = absl::StrSplit(SignJoinToken(Settings(), promoted), '.');
  const std::string altered = forged[0] + "." + forged[1] + "." + parts[2];
  EXPECT_EQ(VerifyJoinToken(Settings(), altered, claims.room, kStart).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Foreign: another consultation's room, another platform's secret or app id.
  EXPECT_THAT(VerifyJoinToken(Settings(), token, "stadt-other", kStart).status().message(),
              HasSubstr("another consultation"));
  JitsiSettings other = Settings();
  other.app_secret = "another secret";
  EXPECT_EQ(VerifyJoinToken(other, token, claims.room, kStart).status().code(),
            absl::StatusCode::kPermissionDenied);
  other = Settings();
  other.app_id = "other-app";
  EXPECT_THAT(VerifyJoinToken(other, SignJoinToken(Settings(), claims), claims.room, kStart)
                  .status()
                  .message(),
              HasSubstr("another platform"));
  for (const std::string& junk : {std::string(), std::string("a.b"), std::string("a.b.c.d"),
                                  std::string(5000, 'x'), std::string("!!.??.**")}) {
    EXPECT_EQ(VerifyJoinToken(Settings(), junk, claims.room, kStart).status().code(),
              absl::StatusCode::kPermissionDenied)
        << junk.substr(0, 20);
  }
}

TEST(JoinTokenTest, RoomNamesAreLongRandomAndLowerCase) {
  const std::string room = NewRoomName();
  EXPECT_EQ(room.size(), 6u + 32u);
  EXPECT_EQ(room.find_first_not_of("stadt-0123456789abcdef"), std::string::npos);
  EXPECT_NE(room, NewRoomName());
}

}  // namespace
}  // namespace stadt::video
