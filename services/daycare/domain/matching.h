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

// Two children (siblings applying together) placed as one unit: both at one of
// the joint options or neither. An option names a position in each child's own
// list, so each child competes with its own priority at its own program.
struct CoupleOption {
  uint32_t first = 0;   // position in the first child's list
  uint32_t second = 0;  // position in the second child's list
};

struct CoupleInput {
  uint32_t first = 0;  // children
  uint32_t second = 0;
  std::vector<CoupleOption> options;  // most wanted first
};

// Children's preference lists in one flat array: child c's list, best first, is
// proposals[list_begin[c] .. list_begin[c + 1]). Only programs the child may get.
// A child that belongs to a couple proposes only through the couple's options.
struct MatchingInput {
  std::vector<uint32_t> capacity;  // per program
  std::vector<uint32_t> list_begin;
  std::vector<Proposal> proposals;
  std::vector<CoupleInput> couples;

  uint32_t children() const { return list_begin.empty() ? 0 : list_begin.size() - 1; }
};

inline constexpr int32_t kUnmatched = -1;

struct MatchingOutput {
  // Per child: position in its own list of the program it holds, or kUnmatched.
  std::vector<int32_t> assigned_position;
  // Per program: the children it holds, best priority first.
  std::vector<std::vector<uint32_t>> admitted;
  // With couples only (always true and 0 without):
  bool stable = true;          // no single and no couple blocks the result
  uint32_t repair_rounds = 0;  // rounds of letting blocking units move up
  // Per couple: index of the option it holds, or kUnmatched.
  std::vector<int32_t> couple_option;
  // Couples that still block the result (only when `stable` is false).
  std::vector<uint32_t> blocking_couples;
};

// Repair rounds before the fallback (see RunDeferredAcceptanceWithCouples).
inline constexpr uint32_t kMaxCoupleRepairRounds = 50;

// Child-proposing deferred acceptance (Gale and Shapley 1962) with capacities.
// Each free child proposes to its next program; a program holds the best `capacity`
// proposals seen so far and rejects the rest. The result is the child-optimal stable
// matching, which does not depend on the order in which children propose.
// Without couples exactly this; with couples RunDeferredAcceptanceWithCouples.
MatchingOutput RunDeferredAcceptance(const MatchingInput& input);

// Deferred acceptance extended to couples, in the manner of Roth and Peranson (1999):
// 1. the single children run deferred acceptance (the child-optimal matching of
//    the singles alone);
// 2. the couples enter one by one, in input order; a couple proposes its joint
//    options in order and takes the first one where both programs admit their
//    child (a free place, or a weaker holder who is displaced); a displaced single
//    proposes further down its list, a displaced couple member pulls its sibling
//    out too and the couple proposes its next option;
// 3. a sibling pulled out frees a place that someone turned away earlier may now
//    want, so the result is scanned for blocking units (a single, or a couple for a
//    joint option, that a program would admit and that would rather be there); each
//    one found, in input order, gives up its place and proposes again from the top;
//    steps 2-3 repeat until nothing blocks (the result is stable), for at most
//    kMaxCoupleRepairRounds rounds, and stop early when a round ends in a state an
//    earlier round ended in (the moves go round in a cycle);
// 4. fallback when something still blocks: the couples keep their places and the
//    singles run deferred acceptance again on the places left, so no single is ever
//    blocked by a free place or a weaker single; `stable` is false and
//    `blocking_couples` names the couples that still block.
// With couples a stable matching need not exist, and deciding whether one does is
// NP-complete (Ronn 1990), so no procedure can promise one; this one is deterministic
// (the same input gives the same output) and finds one in almost every instance
// with few couples (Kojima, Pathak and Roth 2013).
MatchingOutput RunDeferredAcceptanceWithCouples(const MatchingInput& input);

}  // namespace stadt::daycare
