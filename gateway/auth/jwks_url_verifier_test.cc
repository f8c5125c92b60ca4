// The gateway's keys from a provider's JWKS URL, against a small document
// server on the loopback interface (plain HTTP and HTTPS with a certificate
// made for the test).
#include "gateway/auth/jwks_url_verifier.h"

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "gateway/auth/jwks.h"
#include "gateway/auth/test_signing_key.h"
#include "gateway/tls/test_certificate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/document_server.h"

namespace stadt::gateway::auth {
namespace {

namespace asio = boost::asio;
using ::stadt::testing::DocumentServer;
using ::testing::HasSubstr;
using tcp = asio::ip::tcp;

const absl::Time kNow = absl::FromUnixSeconds(2'115'619'200);
constexpr char kIssuer[] = "https://id.stadt.test";
constexpr char kAudience[] = "stadtportal";

// Tokens for this test's issuer and audience, valid five minutes after kNow.
struct ProviderKey : testing::TestSigningKey {
  using TestSigningKey::TestSigningKey;
  std::string Token() const {
    return TestSigningKey::Token(kIssuer, kAudience, kNow + absl::Minutes(5));
  }
};

VerifierOptions Options() { return {.issuer = kIssuer, .audience = kAudience}; }

std::string JwksOf(const std::vector<PublicKeySpec>& keys) { return FormatJwks(keys).value(); }

class JwksUrlVerifierTest : public ::testing::Test {
 protected:
  std::string Url() const {
    return absl::StrCat("http://127.0.0.1:", server_.port(), "/jwks.json");
  }

  ProviderKey old_{"old"};
  ProviderKey rotated_{"rotated"};
  DocumentServer server_;
};

TEST_F(JwksUrlVerifierTest, KeysOfARotationAtTheProviderAreTakenUpAtTheNextRefresh) {
  server_.Set(200, JwksOf({old_.spec}));
  absl::StatusOr<std::unique_ptr<JwksUrlVerifier>> verifier =
      JwksUrlVerifier::Create(Url(), {}, Options());
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  absl::StatusOr<Identity> identity = (*verifier)->Verify(old_.Token(), kNow);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->subject, "citizen-of-old");
  EXPECT_EQ(server_.last_host(), absl::StrCat("127.0.0.1:", server_.port()));
  EXPECT_EQ((*verifier)->Verify(rotated_.Token(), kNow).status().message(), "unknown_key");

  EXPECT_EQ((*verifier)->Refresh().value_or(true), false);  // unchanged

  server_.Set(200, JwksOf({rotated_.spec}));
  EXPECT_EQ((*verifier)->Refresh().value_or(false), true);
  EXPECT_TRUE((*verifier)->Verify(rotated_.Token(), kNow).ok());
  // The retired key no longer signs, not even a token remembered as verified.
  EXPECT_EQ((*verifier)->Verify(old_.Token(), kNow).status().message(), "unknown_key");
}

TEST_F(JwksUrlVerifierTest, AnUnknownKeyIdBringsTheRefreshForwardAtMostOncePerGap) {
  server_.Set(200, JwksOf({old_.spec}));
  std::unique_ptr<JwksUrlVerifier> verifier =
      JwksUrlVerifier::Create(Url(), {}, Options(),
                              {.interval = absl::Minutes(5), .min_gap = absl::Seconds(30)}, kNow)
          .value();
  EXPECT_FALSE(verifier->RefreshDue(kNow + absl::Seconds(40)));

  // The provider rotated and signs with its new key at once.
  server_.Set(200, JwksOf({rotated_.spec}));
  EXPECT_EQ(verifier->Verify(rotated_.Token(), kNow).status().message(), "unknown_key");
  EXPECT_FALSE(verifier->RefreshDue(kNow + absl::Seconds(10)));  // not before the gap
  ASSERT_TRUE(verifier->RefreshDue(kNow + absl::Seconds(30)));
  EXPECT_EQ(verifier->Refresh(kNow + absl::Seconds(30)).value_or(false), true);
  EXPECT_TRUE(verifier->Verify(rotated_.Token(), kNow).ok());

  // Made-up key ids cannot make it fetch more than once per gap.
  EXPECT_EQ(verifier->Verify(old_.Token(), kNow).status().message(), "unknown_key");
  EXPECT_FALSE(verifier->RefreshDue(kNow + absl::Seconds(59)));
  EXPECT_TRUE(verifier->RefreshDue(kNow + absl::Seconds(60)));
  ASSERT_TRUE(verifier->Refresh(kNow + absl::Seconds(60)).ok());
  // Without unknown ids, only the interval makes it due.
  EXPECT_FALSE(verifier->RefreshDue(kNow + absl::Seconds(60) + absl::Minutes(4)));
  EXPECT_TRUE(verifier->RefreshDue(kNow + absl::Seconds(60) + absl::Minutes(5)));
}

TEST_F(JwksUrlVerifierTest, AFailedRefreshKeepsTheKeysInUse) {
  server_.Set(200, JwksOf({old_.spec}));
  std::unique_ptr<JwksUrlVerifier> verifier = JwksUrlVerifier::Create(Url(), {}, Options()).value();

  server_.Set(503, "busy");
  absl::StatusOr<bool> refreshed = verifier->Refresh();
  EXPECT_EQ(refreshed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(refreshed.status().message()), HasSubstr("503"));

  server_.Set(200, R"({"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0"}]})");  // HMAC: refused
  EXPECT_EQ(verifier->Refresh().status().code(), absl::StatusCode::kInvalidArgument);

  server_.Set(200, "not json");
  EXPECT_FALSE(verifier->Refresh().ok());

  EXPECT_TRUE(verifier->Verify(old_.Token(), kNow).ok());
  EXPECT_EQ(verifier->Current()->key_count(), 1u);
}

TEST_F(JwksUrlVerifierTest, TheGatewayDoesNotStartWithoutKeys) {
  server_.Set(404, "");
  EXPECT_EQ(JwksUrlVerifier::Create(Url(), {}, Options()).status().code(),
            absl::StatusCode::kUnavailable);
  server_.Set(200, R"({"keys":[]})");
  EXPECT_EQ(JwksUrlVerifier::Create(Url(), {}, Options()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(JwksUrlVerifier::Create(absl::StrCat("http://127.0.0.1:", server_.port(), "/other"), {},
                                    Options())
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(JwksUrlVerifierTest, MessagesNeverNameTheQueryWhichMayHoldACredential) {
  server_.Set(200, JwksOf({old_.spec}));
  absl::StatusOr<std::string> fetched =
      FetchDocument(absl::StrCat("http://127.0.0.1:", server_.port(), "/other?token=s3cr3t"), {});
  EXPECT_EQ(fetched.status().code(), absl::StatusCode::kUnavailable);  // 404
  EXPECT_THAT(std::string(fetched.status().message()), HasSubstr("/other"));
  EXPECT_THAT(std::string(fetched.status().message()), ::testing::Not(HasSubstr("s3cr3t")));
}

TEST_F(JwksUrlVerifierTest, AnOversizedDocumentIsRefused) {
  server_.Set(200, std::string(64 * 1024, ' ') + JwksOf({old_.spec}));
  absl::StatusOr<std::string> fetched = FetchDocument(Url(), {.max_body_bytes = 16 * 1024});
  EXPECT_EQ(fetched.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(fetched.status().message()), HasSubstr("larger than"));
  EXPECT_TRUE(FetchDocument(Url(), {.max_body_bytes = 128 * 1024}).ok());
}

TEST_F(JwksUrlVerifierTest, ASilentServerTimesOut) {
  // Accepts the connection (the kernel does) but never answers.
  asio::io_context io;
  tcp::acceptor silent(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  absl::StatusOr<std::string> fetched =
      FetchDocument(absl::StrCat("http://127.0.0.1:", silent.local_endpoint().port(), "/jwks.json"),
                    {.timeout = absl::Seconds(1)});
  EXPECT_EQ(fetched.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(fetched.status().message()), HasSubstr("timed out"));
}

TEST(DocumentUrlTest, PlainHttpOnlyToLoopbackAndNothingButHttpsElsewhere) {
  EXPECT_TRUE(CheckDocumentUrl("https://id.stadt.example/realms/city/certs").ok());
  EXPECT_TRUE(CheckDocumentUrl("https://id.stadt.example:8443/certs?x=1").ok());
  EXPECT_TRUE(CheckDocumentUrl("http://127.0.0.1:8080/certs").ok());
  EXPECT_TRUE(CheckDocumentUrl("http://localhost/certs").ok());
  EXPECT_TRUE(CheckDocumentUrl("http://[::1]:9000/certs").ok());
  for (const char* url :
       {"http://id.stadt.example/certs", "http://10.0.0.1/certs", "ftp://id.stadt.example/certs",
        "file:///etc/keys.json", "https://user:pw@id.stadt.example/certs",
        "https://id.stadt.example/certs#x", "/certs", "", "https://",
        "https://id.stadt.example:0/certs", "https://id.stadt.example:99999/certs"}) {
    EXPECT_EQ(CheckDocumentUrl(url).code(), absl::StatusCode::kInvalidArgument) << url;
  }
}

class JwksOverHttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<gateway::testing::TestCertificate> certificate =
        gateway::testing::MakeSelfSignedCertificate("localhost", 1);
    ASSERT_TRUE(certificate.ok()) << certificate.status();
    certificate_ = *std::move(certificate);
    ca_file_ = absl::StrCat(::testing::TempDir(), "jwks-ca-", getpid(), ".pem");
    std::ofstream(ca_file_) << certificate_.certificate_pem;
    server_ = std::make_unique<DocumentServer>(certificate_.certificate_pem,
                                               certificate_.private_key_pem);
    server_->Set(200, JwksOf({key_.spec}));
  }
  void TearDown() override {
    server_.reset();
    std::remove(ca_file_.c_str());
  }
  std::string Url(const std::string& host) const {
    return absl::StrCat("https://", host, ":", server_->port(), "/jwks.json");
  }

  ProviderKey key_{"k1"};
  gateway::testing::TestCertificate certificate_;
  std::string ca_file_;
  std::unique_ptr<DocumentServer> server_;
};

TEST_F(JwksOverHttpsTest, KeysComeFromAServerWhoseCertificateIsTrustedAndNamesTheHost) {
  absl::StatusOr<std::unique_ptr<JwksUrlVerifier>> verifier =
      JwksUrlVerifier::Create(Url("localhost"), {.ca_file = ca_file_}, Options());
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_TRUE((*verifier)->Verify(key_.Token(), kNow).ok());
}

TEST_F(JwksOverHttpsTest, AnUntrustedOrMisnamedCertificateIsRefused) {
  // The system's CAs do not know the test certificate.
  absl::StatusOr<std::string> untrusted = FetchDocument(Url("localhost"), {});
  EXPECT_EQ(untrusted.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(untrusted.status().message()), HasSubstr("TLS handshake"));
  // Trusted, but made out to "localhost", not to the address asked for.
  absl::StatusOr<std::string> misnamed = FetchDocument(Url("127.0.0.1"), {.ca_file = ca_file_});
  EXPECT_EQ(misnamed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(server_->requests(), 0);  // no request was sent to either
}

}  // namespace
}  // namespace stadt::gateway::auth
