#include "gateway/auth/jwks_url_verifier.h"

#include "absl/strings/str_cat.h"
#include "gateway/auth/jwks.h"

namespace stadt::gateway::auth {

absl::StatusOr<std::unique_ptr<JwksUrlVerifier>> JwksUrlVerifier::Create(std::string url,
                                                                         FetchOptions fetch,
                                                                         VerifierOptions options,
                                                                         RefreshPolicy policy,
                                                                         absl::Time now) {
  absl::StatusOr<std::string> document = FetchDocument(url, fetch);
  if (!document.ok()) return document.status();
  absl::StatusOr<std::vector<PublicKeySpec>> keys = ParseJwks(*document);
  if (!keys.ok()) return keys.status();
  absl::StatusOr<std::unique_ptr<RotatingVerifier>> verifier =
      RotatingVerifier::Create(*keys, std::move(options));
  if (!verifier.ok()) return verifier.status();
  return std::unique_ptr<JwksUrlVerifier>(new JwksUrlVerifier(
      std::move(url), std::move(fetch), policy, now, *std::move(document), *std::move(verifier)));
}

absl::StatusOr<Identity> JwksUrlVerifier::Verify(std::string_view compact_token,
                                                 absl::Time now) const {
  absl::StatusOr<Identity> identity = keys_->Verify(compact_token, now);
  if (!identity.ok() && identity.status().message() == "unknown_key") unknown_key_seen_ = true;
  return identity;
}

bool JwksUrlVerifier::RefreshDue(absl::Time now) const {
  const absl::Duration since = now - absl::FromUnixMillis(last_fetch_ms_);
  return since >= policy_.interval || (unknown_key_seen_ && since >= policy_.min_gap);
}

absl::StatusOr<bool> JwksUrlVerifier::Refresh(absl::Time now) {
  last_fetch_ms_ = absl::ToUnixMillis(now);
  unknown_key_seen_ = false;
  absl::StatusOr<std::string> document = FetchDocument(url_, fetch_);
  if (!document.ok()) return document.status();
  absl::MutexLock lock(&mu_);
  if (*document == document_) return false;
  absl::StatusOr<std::vector<PublicKeySpec>> keys = ParseJwks(*document);
  if (!keys.ok()) {
    return absl::InvalidArgumentError(keys.status().message());
  }
  if (absl::Status replaced = keys_->Replace(*keys); !replaced.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("JWKS: ", replaced.message()));
  }
  document_ = *std::move(document);
  return true;
}

}  // namespace stadt::gateway::auth
