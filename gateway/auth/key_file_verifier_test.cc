#include "gateway/auth/key_file_verifier.h"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gateway/auth/test_signing_key.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::gateway::auth {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
constexpr char kIssuer[] = "https://id.stadt.test";
constexpr char kAudience[] = "stadtportal";

// Tokens for this test's issuer and audience, valid five minutes after kNow.
struct TestKey : testing::TestSigningKey {
  using TestSigningKey::TestSigningKey;
  std::string Token() const {
    return TestSigningKey::Token(kIssuer, kAudience, kNow + absl::Minutes(5));
  }
};

class KeyFileVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = absl::StrCat(::testing::TempDir(), "stadt-keys-XXXXXX");
    dir_ = mkdtemp(pattern.data());
    path_ = dir_ + "/keys.json";
    Write(FormatKeyFile({old_.spec}));
    absl::StatusOr<std::unique_ptr<KeyFileVerifier>> verifier =
        KeyFileVerifier::Create(path_, {.issuer = kIssuer, .audience = kAudience});
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    verifier_ = *std::move(verifier);
  }
  void TearDown() override {
    std::remove(path_.c_str());
    std::remove(dir_.c_str());
  }

  // As a sidecar or a Kubernetes volume does: a new file renamed into place.
  void Write(const std::string& text) {
    const std::string temporary = path_ + ".new";
    std::ofstream(temporary) << text;
    ASSERT_EQ(std::rename(temporary.c_str(), path_.c_str()), 0);
  }

  bool Accepts(const TestKey& key) const { return verifier_->Verify(key.Token(), kNow).ok(); }

  TestKey old_{"old"};
  TestKey added_{"added"};
  std::string dir_;
  std::string path_;
  std::unique_ptr<KeyFileVerifier> verifier_;
};

TEST_F(KeyFileVerifierTest, TokenOfAKeyAddedLaterIsAcceptedAfterTheReload) {
  EXPECT_TRUE(Accepts(old_));
  absl::StatusOr<Identity> unknown = verifier_->Verify(added_.Token(), kNow);
  EXPECT_EQ(unknown.status().message(), "unknown_key");

  Write(FormatKeyFile({old_.spec, added_.spec}));
  // Not before the reload ...
  EXPECT_FALSE(Accepts(added_));
  absl::StatusOr<bool> reloaded = verifier_->ReloadIfChanged();
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_TRUE(*reloaded);
  // ... and from then on, next to the old key.
  absl::StatusOr<Identity> identity = verifier_->Verify(added_.Token(), kNow);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->subject, "citizen-of-added");
  EXPECT_TRUE(Accepts(old_));
  EXPECT_EQ(verifier_->Current()->key_count(), 2u);
}

TEST_F(KeyFileVerifierTest, AnUnchangedFileIsNotReadAgain) {
  EXPECT_EQ(verifier_->ReloadIfChanged().value_or(true), false);
  const std::shared_ptr<const JwtVerifier> before = verifier_->Current();
  EXPECT_EQ(verifier_->ReloadIfChanged().value_or(true), false);
  EXPECT_EQ(verifier_->Current(), before);
}

TEST_F(KeyFileVerifierTest, ARemovedKeyStopsWorkingAfterTheReload) {
  Write(FormatKeyFile({added_.spec}));
  ASSERT_EQ(verifier_->ReloadIfChanged().value_or(false), true);
  EXPECT_TRUE(Accepts(added_));
  EXPECT_FALSE(Accepts(old_));
}

TEST_F(KeyFileVerifierTest, ARememberedTokenStopsWorkingWhenItsKeyIsRemoved) {
  const std::string token = old_.Token();
  ASSERT_TRUE(verifier_->Verify(token, kNow).ok());
  ASSERT_TRUE(verifier_->Verify(token, kNow + absl::Minutes(1)).ok());
  EXPECT_EQ(verifier_->remembered_tokens(), 1u);

  Write(FormatKeyFile({added_.spec}));
  ASSERT_EQ(verifier_->ReloadIfChanged().value_or(false), true);
  absl::StatusOr<Identity> after = verifier_->Verify(token, kNow + absl::Minutes(2));
  EXPECT_EQ(after.status().message(), "unknown_key");
}

TEST_F(KeyFileVerifierTest, ARememberedTokenExpiresLikeAnyOther) {
  const std::string token = old_.Token();  // exp = kNow + 5 min, leeway 30 s
  absl::StatusOr<Identity> first = verifier_->Verify(token, kNow);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<Identity> again = verifier_->Verify(token, kNow + absl::Minutes(5));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->subject, first->subject);
  EXPECT_EQ(again->expires_at, first->expires_at);
  absl::StatusOr<Identity> late = verifier_->Verify(token, kNow + absl::Minutes(6));
  EXPECT_EQ(late.status().message(), "token_expired");
}

TEST_F(KeyFileVerifierTest, AnAlteredRememberedTokenIsCheckedAfresh) {
  const std::string token = old_.Token();
  ASSERT_TRUE(verifier_->Verify(token, kNow).ok());
  std::string altered = token;
  char& in_signature = altered[altered.size() - 10];
  in_signature = in_signature == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifier_->Verify(altered, kNow).ok());
  EXPECT_EQ(verifier_->remembered_tokens(), 1u);  // failures are not remembered
}

TEST_F(KeyFileVerifierTest, ABrokenFileKeepsTheOldKeysUntilAGoodOneArrives) {
  for (const std::string& broken :
       {std::string("{\"keys\": [{\"kid\": \"half"), std::string(""), std::string("{}"),
        std::string("{\"keys\":[]}"),
        // A key that does not load, and a duplicate kid.
        FormatKeyFile({{"bad", "ES256", "-----BEGIN PUBLIC KEY-----\nAAAA\n"}}),
        FormatKeyFile({added_.spec, added_.spec})}) {
    Write(broken);
    absl::StatusOr<bool> reloaded = verifier_->ReloadIfChanged();
    EXPECT_FALSE(reloaded.ok()) << broken;
    EXPECT_TRUE(Accepts(old_)) << broken;
    EXPECT_FALSE(Accepts(added_)) << broken;
  }
  // Tried again on every call while broken, and picked up once it is good.
  Write(FormatKeyFile({old_.spec, added_.spec}));
  EXPECT_EQ(verifier_->ReloadIfChanged().value_or(false), true);
  EXPECT_TRUE(Accepts(added_));
}

TEST_F(KeyFileVerifierTest, AMissingFileKeepsTheOldKeys) {
  ASSERT_EQ(std::remove(path_.c_str()), 0);
  EXPECT_FALSE(verifier_->ReloadIfChanged().ok());
  EXPECT_TRUE(Accepts(old_));
  Write(FormatKeyFile({old_.spec, added_.spec}));
  EXPECT_EQ(verifier_->ReloadIfChanged().value_or(false), true);
  EXPECT_TRUE(Accepts(added_));
}

TEST_F(KeyFileVerifierTest, ABrokenFileAtStartIsAnError) {
  Write("not json");
  EXPECT_FALSE(KeyFileVerifier::Create(path_, {.issuer = kIssuer, .audience = kAudience}).ok());
  EXPECT_FALSE(
      KeyFileVerifier::Create(dir_ + "/missing.json", {.issuer = kIssuer, .audience = kAudience})
          .ok());
}

TEST_F(KeyFileVerifierTest, VerifiesWhileKeysAreSwapped) {
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  const std::string token = old_.Token();
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      while (!stop) {
        if (!verifier_->Verify(token, kNow).ok()) ++failures;
      }
    });
  }
  for (int i = 0; i < 20; ++i) {
    Write(FormatKeyFile(i % 2 == 0 ? std::vector<PublicKeySpec>{old_.spec, added_.spec}
                                   : std::vector<PublicKeySpec>{old_.spec}));
    EXPECT_EQ(verifier_->ReloadIfChanged().value_or(false), true) << i;
  }
  stop = true;
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace stadt::gateway::auth
