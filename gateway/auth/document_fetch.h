#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stadt::gateway::auth {

struct FetchOptions {
  // For the whole exchange: resolve, connect, handshake, request, response.
  absl::Duration timeout = absl::Seconds(5);
  size_t max_body_bytes = 512 * 1024;
  // PEM file of the CAs to trust; empty: the system's trust store.
  std::string ca_file = {};
};

// Checks that `url` names a document the gateway may fetch keys from:
// https://host[:port]/path, or http:// to a loopback host only (a sidecar in
// the same pod, a test), since keys fetched over plain HTTP from elsewhere
// could be swapped on the way. INVALID_ARGUMENT with the reason otherwise.
absl::Status CheckDocumentUrl(std::string_view url);

// GETs the document at `url` (see CheckDocumentUrl): the server's
// certificate must chain to a trusted CA and name the host; the answer must
// be 200 with at most max_body_bytes. Redirects are not followed. UNAVAILABLE
// for anything the network or the server did wrong, with the reason; never
// blocks longer than the timeout.
absl::StatusOr<std::string> FetchDocument(std::string_view url, const FetchOptions& options);

}  // namespace stadt::gateway::auth
