#include "gateway/auth/verified_token_cache.h"

#include <openssl/evp.h>

#include <cstring>

namespace stadt::gateway::auth {

VerifiedTokenCache::VerifiedTokenCache(size_t capacity)
    : per_shard_(capacity == 0 ? 0 : (capacity + kShards - 1) / kShards) {}

size_t VerifiedTokenCache::DigestHash::operator()(const Digest& digest) const {
  // The digest is uniformly distributed already; its first bytes are a hash.
  size_t hash = 0;
  std::memcpy(&hash, digest.data() + 1, sizeof(hash));
  return hash;
}

VerifiedTokenCache::Digest VerifiedTokenCache::DigestOf(std::string_view token) {
  Digest digest{};
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

std::optional<Identity> VerifiedTokenCache::Find(std::string_view token, uint64_t generation,
                                                 absl::Time now) {
  if (per_shard_ == 0) return std::nullopt;
  const Digest digest = DigestOf(token);
  Shard& shard = ShardOf(digest);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(digest);
  if (it == shard.entries.end()) return std::nullopt;
  if (it->second.generation != generation || now > it->second.valid_until) {
    shard.entries.erase(it);
    return std::nullopt;
  }
  return it->second.identity;
}

void VerifiedTokenCache::Insert(std::string_view token, uint64_t generation,
                                const Identity& identity, absl::Time valid_until, absl::Time now) {
  if (per_shard_ == 0) return;
  const Digest digest = DigestOf(token);
  Shard& shard = ShardOf(digest);
  absl::MutexLock lock(&shard.mu);
  if (shard.entries.size() >= per_shard_ && !shard.entries.contains(digest)) {
    // Entries of older key sets count as expired: they can never hit again.
    absl::erase_if(shard.entries, [&](const auto& entry) {
      return entry.second.generation != generation || entry.second.valid_until < now;
    });
    if (shard.entries.size() >= per_shard_) shard.entries.erase(shard.entries.begin());
  }
  shard.entries.insert_or_assign(digest, Entry{generation, valid_until, identity});
}

size_t VerifiedTokenCache::size() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    total += shard.entries.size();
  }
  return total;
}

}  // namespace stadt::gateway::auth
