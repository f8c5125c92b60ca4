#include "services/daycare/domain/matching.h"

#include <algorithm>

namespace stadt::daycare {
namespace {

struct Held {
  Priority priority;
  uint32_t child = 0;
};

// Heap order that keeps the weakest held proposal on top, so a full program compares a
// newcomer with it in O(1) and replaces it in O(log capacity).
bool WeakestOnTop(const Held& a, const Held& b) { return Outranks(a.priority, b.priority); }

}  // namespace

MatchingOutput RunDeferredAcceptance(const MatchingInput& input) {
  if (!input.couples.empty()) return RunDeferredAcceptanceWithCouples(input);
  const uint32_t children = input.children();
  const size_t programs = input.capacity.size();
  std::vector<std::vector<Held>> held(programs);
  // Next list position each child proposes to.
  std::vector<uint32_t> next(children);
  std::vector<uint32_t> free_children;
  free_children.reserve(children);
  for (uint32_t c = 0; c < children; ++c) {
    next[c] = input.list_begin[c];
    free_children.push_back(children - 1 - c);  // child 0 proposes first
  }

  while (!free_children.empty()) {
    uint32_t child = free_children.back();
    free_children.pop_back();
    while (next[child] < input.list_begin[child + 1]) {
      const Proposal& proposal = input.proposals[next[child]];
      std::vector<Held>& pool = held[proposal.program];
      const uint32_t capacity = input.capacity[proposal.program];
      if (pool.size() < capacity) {
        pool.push_back({proposal.priority, child});
        std::push_heap(pool.begin(), pool.end(), WeakestOnTop);
        break;
      }
      if (capacity > 0 && Outranks(proposal.priority, pool.front().priority)) {
        std::pop_heap(pool.begin(), pool.end(), WeakestOnTop);
        const uint32_t rejected = pool.back().child;
        pool.back() = {proposal.priority, child};
        std::push_heap(pool.begin(), pool.end(), WeakestOnTop);
        ++next[rejected];  // it proposes to its next program
        child = rejected;
        continue;
      }
      ++next[child];
    }
  }

  MatchingOutput output;
  output.assigned_position.assign(children, kUnmatched);
  output.admitted.resize(programs);
  for (size_t p = 0; p < programs; ++p) {
    std::vector<Held>& pool = held[p];
    std::sort(pool.begin(), pool.end(), WeakestOnTop);
    output.admitted[p].reserve(pool.size());
    for (const Held& entry : pool) {
      output.admitted[p].push_back(entry.child);
      output.assigned_position[entry.child] =
          static_cast<int32_t>(next[entry.child] - input.list_begin[entry.child]);
    }
  }
  return output;
}

}  // namespace stadt::daycare
