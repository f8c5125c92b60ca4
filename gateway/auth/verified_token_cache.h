#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/auth/jwt.h"

namespace stadt::gateway::auth {

// Remembers tokens whose signature and claims were verified, so that a client
// sending the same bearer token with every request (the normal case) costs one
// signature check per token instead of one per request; the check is the most
// expensive step of a request through the gateway.
//
// An entry is keyed by the SHA-256 of the whole compact token, so a hit means
// these very bytes were verified; the token itself is not kept. It counts only
// for the key set it was verified with (`generation`, bumped on every key
// reload, so a removed key stops working at once) and only until `valid_until`
// (the token's exp plus the leeway). Failures are never remembered. Bounded:
// a full shard first drops its expired entries, then an arbitrary one.
// Thread-safe.
class VerifiedTokenCache {
 public:
  // `capacity` 0 remembers nothing.
  explicit VerifiedTokenCache(size_t capacity);

  std::optional<Identity> Find(std::string_view token, uint64_t generation, absl::Time now);
  void Insert(std::string_view token, uint64_t generation, const Identity& identity,
              absl::Time valid_until, absl::Time now);

  size_t size() const;

 private:
  static constexpr size_t kShards = 16;
  using Digest = std::array<unsigned char, 32>;
  struct Entry {
    uint64_t generation;
    absl::Time valid_until;
    Identity identity;
  };
  struct DigestHash {
    size_t operator()(const Digest& digest) const;
  };
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<Digest, Entry, DigestHash> entries ABSL_GUARDED_BY(mu);
  };

  static Digest DigestOf(std::string_view token);
  Shard& ShardOf(const Digest& digest) { return shards_[digest[0] % kShards]; }

  const size_t per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace stadt::gateway::auth
