#include "gateway/tls/test_certificate.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>

namespace stadt::gateway::testing {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace

absl::StatusOr<TestCertificate> MakeSelfSignedCertificate(const std::string& common_name,
                                                          long serial) {
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
  std::unique_ptr<X509, X509Free> certificate(X509_new());
  if (key == nullptr || certificate == nullptr) return absl::InternalError("OpenSSL allocation");
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 24 * 3600);
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(certificate.get(), name);
  if (X509_set_pubkey(certificate.get(), key.get()) != 1 ||
      X509_sign(certificate.get(), key.get(), EVP_sha256()) == 0) {
    return absl::InternalError("cannot sign the test certificate");
  }
  std::unique_ptr<BIO, BioFree> certificate_bio(BIO_new(BIO_s_mem()));
  std::unique_ptr<BIO, BioFree> key_bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(certificate_bio.get(), certificate.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1) {
    return absl::InternalError("cannot write PEM");
  }
  return TestCertificate{BioText(certificate_bio.get()), BioText(key_bio.get())};
}

absl::Status WriteCertificateFiles(const TestCertificate& certificate,
                                   const std::string& certificate_file,
                                   const std::string& key_file) {
  // Written to temporary names and renamed, as a certificate manager would,
  // so a reader never sees half a file.
  for (const auto& [path, text] : {std::pair{certificate_file, certificate.certificate_pem},
                                   std::pair{key_file, certificate.private_key_pem}}) {
    const std::string temporary = path + ".tmp";
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    out.close();
    if (!out || std::rename(temporary.c_str(), path.c_str()) != 0) {
      return absl::InternalError("cannot write " + path);
    }
  }
  return absl::OkStatus();
}

}  // namespace stadt::gateway::testing
