#include "services/daycare/domain/lottery.h"

#include <numeric>
#include <utility>

namespace stadt::daycare {

uint64_t SplitMix64::Next() {
  state_ += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t SplitMix64::UniformBelow(uint64_t bound) {
  // (2^64 - bound) % bound == 2^64 % bound: the size of the biased tail.
  const uint64_t tail = (0 - bound) % bound;
  const uint64_t limit = UINT64_MAX - tail;  // accept draws in [0, limit]
  while (true) {
    const uint64_t draw = Next();
    if (draw <= limit) return draw % bound;
  }
}

std::vector<uint32_t> LotteryPermutation(uint64_t seed, uint32_t n) {
  std::vector<uint32_t> permutation(n);
  std::iota(permutation.begin(), permutation.end(), 0u);
  SplitMix64 random(seed);
  for (uint32_t i = n; i > 1; --i) {
    const uint64_t j = random.UniformBelow(i);
    std::swap(permutation[i - 1], permutation[j]);
  }
  return permutation;
}

}  // namespace stadt::daycare
