#include "gateway/tls/tls_context.h"

#include <openssl/ssl.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/tls/test_certificate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::gateway {
namespace {

class TlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = absl::StrCat(::testing::TempDir(), "stadt-tls-XXXXXX");
    dir_ = mkdtemp(pattern.data());
    files_ = {dir_ + "/cert.pem", dir_ + "/key.pem"};
    Write(1);
  }

  void Write(long serial) {
    absl::StatusOr<testing::TestCertificate> certificate =
        testing::MakeSelfSignedCertificate("localhost", serial);
    ASSERT_TRUE(certificate.ok()) << certificate.status();
    ASSERT_TRUE(testing::WriteCertificateFiles(*certificate, files_.certificate_chain_file,
                                               files_.private_key_file)
                    .ok());
  }

  static long Serial(const boost::asio::ssl::context& context) {
    X509* certificate =
        SSL_CTX_get0_certificate(const_cast<boost::asio::ssl::context&>(context).native_handle());
    return ASN1_INTEGER_get(X509_get_serialNumber(certificate));
  }

  std::string dir_;
  TlsFiles files_;
};

TEST_F(TlsContextTest, OffersTls12And13WithForwardSecretAeadCiphersOnly) {
  absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> context = MakeServerTlsContext(files_);
  ASSERT_TRUE(context.ok()) << context.status();
  SSL_CTX* native = (*context)->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(native), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_max_proto_version(native), TLS1_3_VERSION);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(native), SSL_free);
  STACK_OF(SSL_CIPHER)* ciphers = SSL_get_ciphers(ssl.get());
  ASSERT_GT(sk_SSL_CIPHER_num(ciphers), 0);
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
    const std::string name = SSL_CIPHER_get_name(cipher);
    EXPECT_TRUE(SSL_CIPHER_is_aead(cipher)) << name;
    const int kx = SSL_CIPHER_get_kx_nid(cipher);
    // TLS 1.3 suites name no key exchange (it is always ephemeral).
    EXPECT_TRUE(kx == NID_kx_ecdhe || kx == NID_kx_any) << name;
  }
  EXPECT_NE(SSL_CTX_get_options(native) & SSL_OP_NO_COMPRESSION, 0u);
  EXPECT_NE(SSL_CTX_get_options(native) & SSL_OP_NO_RENEGOTIATION, 0u);
}

TEST_F(TlsContextTest, RefusesMissingFilesAndAForeignKey) {
  EXPECT_FALSE(MakeServerTlsContext({dir_ + "/missing.pem", files_.private_key_file}).ok());
  EXPECT_FALSE(MakeServerTlsContext({files_.certificate_chain_file, dir_ + "/missing.pem"}).ok());
  absl::StatusOr<testing::TestCertificate> other = testing::MakeSelfSignedCertificate("other", 9);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(
      testing::WriteCertificateFiles(*other, dir_ + "/other-cert.pem", dir_ + "/other-key.pem")
          .ok());
  absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> mismatched =
      MakeServerTlsContext({files_.certificate_chain_file, dir_ + "/other-key.pem"});
  ASSERT_FALSE(mismatched.ok());
  EXPECT_THAT(std::string(mismatched.status().message()), ::testing::HasSubstr("key"));
}

TEST_F(TlsContextTest, ReloadSwapsInRenewedFilesAndKeepsOldContextsAlive) {
  absl::StatusOr<std::unique_ptr<TlsContextProvider>> provider = TlsContextProvider::Create(files_);
  ASSERT_TRUE(provider.ok()) << provider.status();
  std::shared_ptr<boost::asio::ssl::context> first = (*provider)->Current();
  EXPECT_EQ(Serial(*first), 1);
  absl::StatusOr<bool> reloaded = (*provider)->ReloadIfChanged();
  ASSERT_TRUE(reloaded.ok());
  EXPECT_FALSE(*reloaded);  // Nothing changed.

  Write(2);
  reloaded = (*provider)->ReloadIfChanged();
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_TRUE(*reloaded);
  EXPECT_EQ(Serial(*(*provider)->Current()), 2);
  EXPECT_EQ(Serial(*first), 1);  // Connections that started on it keep it.
}

TEST_F(TlsContextTest, BrokenRenewalKeepsTheWorkingContext) {
  absl::StatusOr<std::unique_ptr<TlsContextProvider>> provider = TlsContextProvider::Create(files_);
  ASSERT_TRUE(provider.ok()) << provider.status();
  // Half a renewal: a new certificate next to the old key.
  absl::StatusOr<testing::TestCertificate> renewed =
      testing::MakeSelfSignedCertificate("localhost", 3);
  ASSERT_TRUE(renewed.ok());
  renewed->private_key_pem = testing::MakeSelfSignedCertificate("x", 4)->private_key_pem;
  ASSERT_TRUE(testing::WriteCertificateFiles(*renewed, files_.certificate_chain_file,
                                             files_.private_key_file)
                  .ok());
  EXPECT_FALSE((*provider)->ReloadIfChanged().ok());
  EXPECT_EQ(Serial(*(*provider)->Current()), 1);
  // Once the pair is whole again, the next check takes it.
  Write(5);
  absl::StatusOr<bool> reloaded = (*provider)->ReloadIfChanged();
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_EQ(Serial(*(*provider)->Current()), 5);
}

}  // namespace
}  // namespace stadt::gateway
