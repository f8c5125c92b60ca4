#pragma once

#include <sys/stat.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/ssl/context.hpp"

namespace stadt::gateway {

struct TlsFiles {
  std::string certificate_chain_file;  // PEM, leaf first
  std::string private_key_file;        // PEM, unencrypted
};

// A server context after the BSI TR-02102-2 / Mozilla "intermediate" line:
// TLS 1.2 and 1.3 only, forward-secret (ECDHE) key exchange with AEAD
// ciphers only, no compression, no renegotiation. Fails if a file is missing
// or unreadable, or the key does not belong to the certificate.
absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const TlsFiles& files);

// Holds the current server context and swaps in a new one when the files
// change (certificates are renewed every few weeks), without a restart:
// connections already open keep the context they started with; new ones get
// the new. A broken new pair is refused and the old context stays.
class TlsContextProvider {
 public:
  static absl::StatusOr<std::unique_ptr<TlsContextProvider>> Create(TlsFiles files);

  std::shared_ptr<boost::asio::ssl::context> Current() const;

  // Reloads if either file's modification time, size or inode changed since
  // the last successful load. Returns whether a new context was swapped in;
  // a failed reload is an error status and the old context stays.
  absl::StatusOr<bool> ReloadIfChanged();

 private:
  struct Stamp {
    bool operator==(const Stamp&) const = default;
    ino_t inode = 0;
    off_t size = 0;
    int64_t modified_ns = 0;
  };
  struct Stamps {
    bool operator==(const Stamps&) const = default;
    Stamp certificate;
    Stamp key;
  };

  TlsContextProvider(TlsFiles files, Stamps stamps,
                     std::shared_ptr<boost::asio::ssl::context> context)
      : files_(std::move(files)), stamps_(stamps), context_(std::move(context)) {}
  static Stamps StampsOf(const TlsFiles& files);

  const TlsFiles files_;
  mutable absl::Mutex mu_;
  Stamps stamps_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<boost::asio::ssl::context> context_ ABSL_GUARDED_BY(mu_);
};

}  // namespace stadt::gateway
