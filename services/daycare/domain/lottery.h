#pragma once

#include <cstdint>
#include <vector>

namespace stadt::daycare {

// SplitMix64 (Steele, Lea, Flood 2014; constants as in Vigna's reference code).
// Its output is fully specified by the arithmetic below, so a recorded seed gives the
// same lottery on every compiler and platform -- unlike std::shuffle or the
// <random> distributions, whose results are implementation-defined.
//   state += 0x9E3779B97F4A7C15
//   z = state
//   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
//   z = (z ^ (z >> 27)) * 0x94D049BB133111EB
//   return z ^ (z >> 31)
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next();

  // A uniform integer in [0, bound) for bound >= 1, by rejection sampling: draws that
  // fall into the incomplete last block of 2^64 mod bound values are redrawn, so there
  // is no modulo bias.
  uint64_t UniformBelow(uint64_t bound);

 private:
  uint64_t state_;
};

// The lottery of a run: result[i] is the tie-break number of application i, a
// permutation of 0..n-1 (lower wins). Drawn by the Fisher-Yates shuffle
// (for i = n-1 down to 1: swap(perm[i], perm[UniformBelow(i + 1)])) of the identity,
// driven by SplitMix64(seed).
std::vector<uint32_t> LotteryPermutation(uint64_t seed, uint32_t n);

}  // namespace stadt::daycare
