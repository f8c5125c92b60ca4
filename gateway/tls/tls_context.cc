#include "gateway/tls/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace stadt::gateway {
namespace {

namespace ssl = boost::asio::ssl;

// TLS 1.2: ECDHE key exchange (forward secrecy) with AEAD ciphers only.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
// TLS 1.3 suites are all AEAD with (EC)DHE.
constexpr char kTls13Suites[] =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr char kGroups[] = "X25519:P-256:P-384";

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

absl::Status Check(int result, const char* what) {
  if (result == 1) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", OpenSslError()));
}

}  // namespace

absl::StatusOr<std::shared_ptr<ssl::context>> MakeServerTlsContext(const TlsFiles& files) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_SINGLE_ECDH_USE);
  absl::Status status = Check(SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION), "min version");
  if (status.ok())
    status = Check(SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION), "max version");
  if (status.ok())
    status = Check(SSL_CTX_set_cipher_list(native, kTls12Ciphers), "TLS 1.2 ciphers");
  if (status.ok()) status = Check(SSL_CTX_set_ciphersuites(native, kTls13Suites), "TLS 1.3 suites");
  if (status.ok()) status = Check(SSL_CTX_set1_groups_list(native, kGroups), "groups");
  if (status.ok()) {
    status = Check(SSL_CTX_use_certificate_chain_file(native, files.certificate_chain_file.c_str()),
                   "certificate chain file");
  }
  if (status.ok()) {
    status =
        Check(SSL_CTX_use_PrivateKey_file(native, files.private_key_file.c_str(), SSL_FILETYPE_PEM),
              "private key file");
  }
  if (status.ok()) {
    status = Check(SSL_CTX_check_private_key(native), "key does not match the certificate");
  }
  if (!status.ok()) return status;
  return context;
}

TlsContextProvider::Stamps TlsContextProvider::StampsOf(const TlsFiles& files) {
  auto stamp = [](const std::string& path) {
    struct stat info {};
    if (stat(path.c_str(), &info) != 0) return Stamp{};
    return Stamp{info.st_ino, info.st_size,
                 static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec};
  };
  return Stamps{stamp(files.certificate_chain_file), stamp(files.private_key_file)};
}

absl::StatusOr<std::unique_ptr<TlsContextProvider>> TlsContextProvider::Create(TlsFiles files) {
  const Stamps stamps = StampsOf(files);
  absl::StatusOr<std::shared_ptr<ssl::context>> context = MakeServerTlsContext(files);
  if (!context.ok()) return context.status();
  return std::unique_ptr<TlsContextProvider>(
      new TlsContextProvider(std::move(files), stamps, *std::move(context)));
}

std::shared_ptr<ssl::context> TlsContextProvider::Current() const {
  absl::MutexLock lock(&mu_);
  return context_;
}

absl::StatusOr<bool> TlsContextProvider::ReloadIfChanged() {
  const Stamps stamps = StampsOf(files_);
  {
    absl::MutexLock lock(&mu_);
    if (stamps == stamps_) return false;
  }
  // Built outside the lock: handshakes keep getting the old context meanwhile.
  absl::StatusOr<std::shared_ptr<ssl::context>> context = MakeServerTlsContext(files_);
  if (!context.ok()) return context.status();
  absl::MutexLock lock(&mu_);
  stamps_ = stamps;
  context_ = *std::move(context);
  return true;
}

}  // namespace stadt::gateway
