#pragma once

#include <cstdint>
#include <vector>

namespace stadt::daycare {

// A child's priority at one program. Higher points win; among equal points the lower
// tie-break rank wins (the rank already folds in "older child first" and the lottery).
// A guaranteed entry (a place the child accepted in an earlier round) beats everything,
// which is how a move-up round keeps accepted places.
struct Priority {
  int64_t points = 0;
  uint32_t tiebreak_rank = 0;
  bool guaranteed = false;
};

// True when `a` is admitted before `b`.
inline bool Outranks(const Priority& a, const Priority& b) {
  if (a.guaranteed != b.guaranteed) return a.guaranteed;
  if (a.points != b.points) return a.points > b.points;
  return a.tiebreak_rank < b.tiebreak_rank;
}

struct Proposal {
  uint32_t program = 0;
  Priority priority;
};

// Children's preference lists in one flat array: child c's list, best first, is
// proposals[list_begin[c] .. list_begin[c + 1]). Only programs the child may get.
struct MatchingInput {
  std::vector<uint32_t> capacity;  // per program
  std::vector<uint32_t> list_begin;
  std::vector<Proposal> proposals;

  uint32_t children() const { return list_begin.empty() ? 0 : list_begin.size() - 1; }
};

inline constexpr int32_t kUnmatched = -1;

struct MatchingOutput {
  // Per child: position in its own list of the program it holds, or kUnmatched.
  std::vector<int32_t> assigned_position;
  // Per program: the children it holds, best priority first.
  std::vector<std::vector<uint32_t>> admitted;
};

// Child-proposing deferred acceptance (Gale and Shapley 1962) with capacities.
// Each free child proposes to its next program; a program holds the best `capacity`
// proposals seen so far and rejects the rest. The result is the child-optimal stable
// matching, which does not depend on the order in which children propose.
MatchingOutput RunDeferredAcceptance(const MatchingInput& input);

}  // namespace stadt::daycare
