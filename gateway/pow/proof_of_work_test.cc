#include "gateway/pow/proof_of_work.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/crypto.h"

namespace stadt::gateway::pow {
namespace {

using ::testing::MatchesRegex;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

// The value of a MarkUsed answer; nullopt for an error.
std::optional<bool> Value(const absl::StatusOr<bool>& first_use) {
  return first_use.ok() ? std::optional<bool>(*first_use) : std::nullopt;
}
constexpr char kSecret[] = "a-test-secret-of-at-least-32-bytes-long";

std::unique_ptr<ProofOfWork> Make(int64_t max_number = 1000,
                                  absl::Duration ttl = absl::Minutes(5)) {
  return ProofOfWork::Create({.secret = kSecret, .max_number = max_number, .ttl = ttl}).value();
}

// The payload a client would send, as JSON, before base64.
boost::json::object Payload(const Challenge& challenge, int64_t number) {
  std::string decoded;
  absl::Base64Unescape(EncodeSolution(challenge, number), &decoded);
  return boost::json::parse(decoded).as_object();
}

std::string Encode(const boost::json::value& payload) {
  return absl::Base64Escape(boost::json::serialize(payload));
}

class ProofOfWorkTest : public ::testing::Test {
 protected:
  std::unique_ptr<ProofOfWork> pow_ = Make();
  // A known challenge: number 417 under a fixed nonce.
  Challenge challenge_ = pow_->NewChallengeWith(kNow, "0123456789abcdef", 417);
};

TEST(ProofOfWorkCreateTest, RefusesWeakSettings) {
  EXPECT_FALSE(ProofOfWork::Create({.secret = std::string(31, 'x')}).ok());
  EXPECT_TRUE(ProofOfWork::Create({.secret = std::string(32, 'x')}).ok());
  EXPECT_FALSE(ProofOfWork::Create({.secret = kSecret, .max_number = 0}).ok());
  EXPECT_FALSE(ProofOfWork::Create({.secret = kSecret, .max_number = kMaxMaxNumber + 1}).ok());
  EXPECT_FALSE(ProofOfWork::Create({.secret = kSecret, .ttl = absl::Milliseconds(999)}).ok());
}

TEST_F(ProofOfWorkTest, ChallengeHasTheDocumentedShape) {
  EXPECT_EQ(challenge_.algorithm, "SHA-256");
  EXPECT_EQ(challenge_.salt,
            absl::StrCat("30313233343536373839616263646566?expires=", 1'800'000'300, "&"));
  EXPECT_EQ(challenge_.challenge,
            absl::BytesToHexString(crypto::Sha256(absl::StrCat(challenge_.salt, 417))));
  EXPECT_EQ(challenge_.signature,
            absl::BytesToHexString(crypto::HmacSha256(kSecret, challenge_.challenge)));
  EXPECT_EQ(challenge_.max_number, 1000);
  EXPECT_EQ(challenge_.expires, kNow + absl::Minutes(5));

  const boost::json::value json = boost::json::parse(ChallengeJson(challenge_));
  EXPECT_EQ(json.at("algorithm").as_string(), "SHA-256");
  EXPECT_EQ(json.at("challenge").as_string(), challenge_.challenge);
  EXPECT_EQ(json.at("salt").as_string(), challenge_.salt);
  EXPECT_EQ(json.at("maxNumber").as_int64(), 1000);
  EXPECT_EQ(json.at("signature").as_string(), challenge_.signature);
  EXPECT_EQ(json.at("expires").as_string(), "2027-01-15T08:05:00Z");
}

TEST_F(ProofOfWorkTest, ExpiryIsRoundedUpToWholeSeconds) {
  EXPECT_EQ(pow_->NewChallenge(kNow + absl::Milliseconds(999)).expires,
            kNow + absl::Minutes(5) + absl::Seconds(1));
  EXPECT_EQ(pow_->NewChallenge(kNow + absl::Milliseconds(1)).expires,
            kNow + absl::Minutes(5) + absl::Seconds(1));
}

TEST_F(ProofOfWorkTest, FreshChallengesDifferAndAreSolvableWithinMaxNumber) {
  const Challenge first = pow_->NewChallenge(kNow);
  const Challenge second = pow_->NewChallenge(kNow);
  EXPECT_NE(first.salt, second.salt);
  EXPECT_NE(first.challenge, second.challenge);
  EXPECT_THAT(first.salt, MatchesRegex("[0-9a-f]{32}\\?expires=1800000300&"));
  EXPECT_TRUE(Solve(first.salt, first.challenge, first.max_number).has_value());
  EXPECT_TRUE(Solve(second.salt, second.challenge, second.max_number).has_value());
}

TEST_F(ProofOfWorkTest, AcceptsAValidSolution) {
  const std::optional<int64_t> number = Solve(challenge_.salt, challenge_.challenge, 1000);
  ASSERT_EQ(number, 417);
  const Verification verification = pow_->Verify(EncodeSolution(challenge_, 417), kNow);
  EXPECT_EQ(verification.verdict, Verdict::kAccepted);
  EXPECT_EQ(verification.challenge, challenge_.challenge);
  EXPECT_EQ(verification.expires, challenge_.expires);
  // Up to the last second before the expiry.
  EXPECT_EQ(
      pow_->Verify(EncodeSolution(challenge_, 417), challenge_.expires - absl::Seconds(1)).verdict,
      Verdict::kAccepted);
}

TEST_F(ProofOfWorkTest, AcceptsAltchasPayloadWithExtraMembersAndWithoutPadding) {
  boost::json::object payload = Payload(challenge_, 417);
  payload["took"] = 1234;  // ALTCHA's widget adds how long it took
  std::string encoded = Encode(payload);
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  EXPECT_EQ(pow_->Verify(encoded, kNow).verdict, Verdict::kAccepted);
}

TEST_F(ProofOfWorkTest, RefusesAWrongNumber) {
  for (int64_t number : {416, 418, 0, 1000, 1'000'000}) {
    EXPECT_EQ(pow_->Verify(EncodeSolution(challenge_, number), kNow).verdict, Verdict::kInvalid)
        << number;
  }
}

TEST_F(ProofOfWorkTest, RefusesAnExpiredSolution) {
  EXPECT_EQ(pow_->Verify(EncodeSolution(challenge_, 417), challenge_.expires).verdict,
            Verdict::kExpired);
  EXPECT_EQ(pow_->Verify(EncodeSolution(challenge_, 417), kNow + absl::Hours(1)).verdict,
            Verdict::kExpired);
}

TEST_F(ProofOfWorkTest, RefusesAnAlteredSalt) {
  // A later expiry, a different nonce, something after the '&'.
  Challenge later = challenge_;
  later.salt = absl::StrCat("30313233343536373839616263646566?expires=", 1'900'000'000, "&");
  EXPECT_EQ(pow_->Verify(EncodeSolution(later, 417), kNow).verdict, Verdict::kInvalid);
  Challenge other_nonce = challenge_;
  other_nonce.salt[0] = '4';
  EXPECT_EQ(pow_->Verify(EncodeSolution(other_nonce, 417), kNow).verdict, Verdict::kInvalid);
  Challenge appended = challenge_;
  appended.salt += "x";
  EXPECT_EQ(pow_->Verify(EncodeSolution(appended, 417), kNow).verdict, Verdict::kInvalid);
}

TEST_F(ProofOfWorkTest, RefusesDigitsOfTheNumberMovedIntoTheSalt) {
  // salt + number stays the same string, so the hash still matches; only the
  // salt's form (it must end in '&') catches it. Without the '&' the digits
  // would extend the expiry: "...expires=1800000300" + "417" could be read as
  // "...expires=18000003004" + "17".
  Challenge spliced = challenge_;
  spliced.salt += "4";
  EXPECT_EQ(pow_->Verify(EncodeSolution(spliced, 17), kNow).verdict, Verdict::kInvalid);
}

TEST_F(ProofOfWorkTest, RefusesAnAlteredChallengeOrSignature) {
  Challenge altered = challenge_;
  altered.challenge[10] = altered.challenge[10] == 'a' ? 'b' : 'a';
  EXPECT_EQ(pow_->Verify(EncodeSolution(altered, 417), kNow).verdict, Verdict::kInvalid);

  Challenge forged = challenge_;
  forged.signature[0] = forged.signature[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(pow_->Verify(EncodeSolution(forged, 417), kNow).verdict, Verdict::kInvalid);
  Challenge upper = challenge_;
  for (char& c : upper.signature) c = absl::ascii_toupper(c);
  EXPECT_EQ(pow_->Verify(EncodeSolution(upper, 417), kNow).verdict, Verdict::kInvalid);
  Challenge unsigned_challenge = challenge_;
  unsigned_challenge.signature.clear();
  EXPECT_EQ(pow_->Verify(EncodeSolution(unsigned_challenge, 417), kNow).verdict, Verdict::kInvalid);

  // A challenge the client made up and signed with another key.
  std::unique_ptr<ProofOfWork> other =
      ProofOfWork::Create({.secret = std::string(40, 'k'), .max_number = 1000}).value();
  Challenge foreign = other->NewChallengeWith(kNow, "0123456789abcdef", 417);
  EXPECT_EQ(pow_->Verify(EncodeSolution(foreign, 417), kNow).verdict, Verdict::kInvalid);
}

TEST_F(ProofOfWorkTest, RefusesAWrongAlgorithm) {
  for (const char* algorithm : {"SHA-512", "sha-256", "SHA256", "", "none"}) {
    Challenge wrong = challenge_;
    wrong.algorithm = algorithm;
    EXPECT_EQ(pow_->Verify(EncodeSolution(wrong, 417), kNow).verdict, Verdict::kInvalid)
        << algorithm;
  }
}

TEST_F(ProofOfWorkTest, RefusesGarbageBase64AndJson) {
  const std::string valid = EncodeSolution(challenge_, 417);
  const std::vector<std::string> garbage = {
      "",
      "!!!!",
      "====",
      "not base64 at all",
      valid + "!",
      valid + "====",
      std::string("\0\0\0\0", 4),
      absl::WebSafeBase64Escape(std::string("\xfb\xff\xbf", 3)),  // '-' and '_' are not base64
      absl::Base64Escape("null"),
      absl::Base64Escape("[]"),
      absl::Base64Escape("{}"),
      absl::Base64Escape("{\"algorithm\":\"SHA-256\""),
      absl::Base64Escape("\xff\xfe{}"),
      absl::Base64Escape(std::string(1000, '[')),
      std::string(kMaxSolutionBytes + 1, 'A'),
  };
  for (const std::string& value : garbage) {
    EXPECT_EQ(pow_->Verify(value, kNow).verdict, Verdict::kInvalid) << value;
  }
}

TEST_F(ProofOfWorkTest, RefusesMembersOfTheWrongType) {
  const boost::json::object valid = Payload(challenge_, 417);
  ASSERT_EQ(pow_->Verify(Encode(valid), kNow).verdict, Verdict::kAccepted);
  const std::vector<std::pair<std::string, boost::json::value>> changes = {
      {"number", "417"},
      {"number", 417.0},
      {"number", -417},
      {"number", nullptr},
      {"number", boost::json::value(18446744073709551615ull)},
      {"algorithm", 1},
      {"challenge", boost::json::array{}},
      {"salt", 5},
      {"signature", boost::json::object{}},
  };
  for (const auto& [name, value] : changes) {
    boost::json::object payload = valid;
    payload[name] = value;
    EXPECT_EQ(pow_->Verify(Encode(payload), kNow).verdict, Verdict::kInvalid)
        << name << "=" << boost::json::serialize(value);
  }
  for (const char* name : {"algorithm", "challenge", "number", "salt", "signature"}) {
    boost::json::object payload = valid;
    payload.erase(name);
    EXPECT_EQ(pow_->Verify(Encode(payload), kNow).verdict, Verdict::kInvalid) << name;
  }
}

TEST(ProofOfWorkSolveTest, FindsNothingBeyondMaxNumber) {
  std::unique_ptr<ProofOfWork> pow = Make(100);
  const Challenge challenge = pow->NewChallengeWith(kNow, "nonce", 100);
  EXPECT_EQ(Solve(challenge.salt, challenge.challenge, 100), 100);
  EXPECT_EQ(Solve(challenge.salt, challenge.challenge, 99), std::nullopt);
}

TEST(InMemoryUsedChallengesTest, FirstUseWinsAndExpiredEntriesAreForgotten) {
  InMemoryUsedChallenges used;
  EXPECT_EQ(Value(used.MarkUsed("c1", kNow + absl::Minutes(1), kNow)), true);
  EXPECT_EQ(Value(used.MarkUsed("c1", kNow + absl::Minutes(1), kNow)), false);
  EXPECT_EQ(Value(used.MarkUsed("c2", kNow + absl::Minutes(1), kNow)), true);
  EXPECT_EQ(Value(used.MarkUsed("c1", kNow + absl::Minutes(3), kNow + absl::Minutes(2))), true);
}

class FailingUsedChallenges final : public UsedChallenges {
 public:
  absl::StatusOr<bool> MarkUsed(std::string_view, absl::Time, absl::Time) override {
    ++calls;
    return absl::UnavailableError("down");
  }
  int calls = 0;
};

class GuardTest : public ProofOfWorkTest {
 protected:
  InMemoryUsedChallenges used_;
  Guard guard_{*pow_, used_};
};

TEST_F(GuardTest, PassesOnceThenRefusesAsReplayed) {
  const std::string solution = EncodeSolution(challenge_, 417);
  EXPECT_EQ(guard_.Check(solution, kNow), Outcome::kPassed);
  EXPECT_EQ(guard_.Check(solution, kNow), Outcome::kReplayed);
  EXPECT_EQ(guard_.Check(solution, kNow + absl::Minutes(1)), Outcome::kReplayed);
  // After the expiry it is expired, and no longer needs remembering.
  EXPECT_EQ(guard_.Check(solution, challenge_.expires), Outcome::kExpired);
}

TEST_F(GuardTest, RemembersAUsedChallengeBeyondItsExpiryForClockSkew) {
  InMemoryUsedChallenges used;
  Guard guard(*pow_, used);
  ASSERT_EQ(guard.Check(EncodeSolution(challenge_, 417), kNow), Outcome::kPassed);
  // Another replica whose clock lags by less than kClockSkew still sees it.
  EXPECT_EQ(Value(used.MarkUsed(challenge_.challenge, challenge_.expires + kClockSkew,
                                challenge_.expires + kClockSkew - absl::Seconds(1))),
            false);
}

TEST_F(GuardTest, MapsEveryRefusalToItsReason) {
  EXPECT_EQ(guard_.Check(std::nullopt, kNow), Outcome::kRequired);
  EXPECT_EQ(guard_.Check("", kNow), Outcome::kRequired);
  EXPECT_EQ(guard_.Check("garbage", kNow), Outcome::kInvalid);
  EXPECT_EQ(guard_.Check(EncodeSolution(challenge_, 1), kNow), Outcome::kInvalid);
  EXPECT_EQ(guard_.Check(EncodeSolution(challenge_, 417), kNow + absl::Hours(1)),
            Outcome::kExpired);
  EXPECT_EQ(ReasonOf(Outcome::kRequired), "pow_required");
  EXPECT_EQ(ReasonOf(Outcome::kInvalid), "pow_invalid");
  EXPECT_EQ(ReasonOf(Outcome::kExpired), "pow_expired");
  EXPECT_EQ(ReasonOf(Outcome::kReplayed), "pow_replayed");
  EXPECT_EQ(ReasonOf(Outcome::kUnavailable), "pow_unavailable");
  EXPECT_EQ(ReasonOf(Outcome::kPassed), "");
}

TEST_F(GuardTest, FailsClosedWhenTheStoreIsDownButOnlyAsksItForCorrectSolutions) {
  FailingUsedChallenges down;
  Guard guard(*pow_, down);
  EXPECT_EQ(guard.Check("garbage", kNow), Outcome::kInvalid);
  EXPECT_EQ(guard.Check(EncodeSolution(challenge_, 417), kNow + absl::Hours(1)), Outcome::kExpired);
  EXPECT_EQ(down.calls, 0);
  EXPECT_EQ(guard.Check(EncodeSolution(challenge_, 417), kNow), Outcome::kUnavailable);
  EXPECT_EQ(down.calls, 1);
}

}  // namespace
}  // namespace stadt::gateway::pow
