#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace stadt::gateway::testing {

struct TestCertificate {
  std::string certificate_pem;
  std::string private_key_pem;
};

// A fresh P-256 key and a self-signed certificate for `common_name`, valid
// from an hour ago for a day, made with the OpenSSL API at test time so that
// no key material lives in the repository.
absl::StatusOr<TestCertificate> MakeSelfSignedCertificate(const std::string& common_name,
                                                          long serial);

// Writes both PEMs to files.
absl::Status WriteCertificateFiles(const TestCertificate& certificate,
                                   const std::string& certificate_file,
                                   const std::string& key_file);

}  // namespace stadt::gateway::testing
