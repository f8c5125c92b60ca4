#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "gateway/auth/document_fetch.h"
#include "gateway/auth/jwt.h"
#include "gateway/auth/rotating_verifier.h"

namespace stadt::gateway::auth {

// When the refresher asks again (RefreshDue): every `interval`, and sooner,
// but at most once per `min_gap`, after a token named a key id the set does
// not hold: a provider that rotated and signs with its new key at once is
// followed within seconds, while made-up key ids cost a fetch per gap at most.
struct RefreshPolicy {
  absl::Duration interval = absl::Minutes(5);
  absl::Duration min_gap = absl::Seconds(30);
};

// A TokenVerifier over the JWKS an OpenID Connect provider publishes at a URL
// (its jwks_uri). Refresh() fetches the document again and swaps the keys in
// when it changed, so a key rotation at the provider needs no restart. A
// fetch that fails or a document that does not load is an error status, and
// the keys in use stay until a later refresh succeeds. Each key's algorithm
// comes from its type (see ParseJwks), never from the token.
class JwksUrlVerifier final : public TokenVerifier {
 public:
  // Fetches the keys at once: a gateway that cannot check tokens does not
  // start (INVALID_ARGUMENT for a URL it may not use, UNAVAILABLE when the
  // provider cannot be reached, INVALID_ARGUMENT for a document that does
  // not load).
  static absl::StatusOr<std::unique_ptr<JwksUrlVerifier>> Create(std::string url,
                                                                 FetchOptions fetch,
                                                                 VerifierOptions options,
                                                                 RefreshPolicy policy = {},
                                                                 absl::Time now = absl::Now());

  absl::StatusOr<Identity> Verify(std::string_view compact_token, absl::Time now) const override;

  // Whether Refresh() should run at `now` (see RefreshPolicy).
  bool RefreshDue(absl::Time now) const;
  // Fetches the document; returns whether new keys were swapped in (false
  // when it is unchanged). Blocks up to the fetch timeout: call it from a
  // background thread, never from a request's.
  absl::StatusOr<bool> Refresh(absl::Time now = absl::Now());

  std::shared_ptr<const JwtVerifier> Current() const { return keys_->Current(); }
  size_t remembered_tokens() const { return keys_->remembered_tokens(); }

 private:
  JwksUrlVerifier(std::string url, FetchOptions fetch, RefreshPolicy policy, absl::Time now,
                  std::string document, std::unique_ptr<RotatingVerifier> keys)
      : url_(std::move(url)),
        fetch_(std::move(fetch)),
        policy_(policy),
        last_fetch_ms_(absl::ToUnixMillis(now)),
        document_(std::move(document)),
        keys_(std::move(keys)) {}

  const std::string url_;
  const FetchOptions fetch_;
  const RefreshPolicy policy_;
  std::atomic<int64_t> last_fetch_ms_;
  mutable std::atomic<bool> unknown_key_seen_{false};
  absl::Mutex mu_;
  std::string document_ ABSL_GUARDED_BY(mu_);  // the one the keys in use came from
  const std::unique_ptr<RotatingVerifier> keys_;
};

}  // namespace stadt::gateway::auth
