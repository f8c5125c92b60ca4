// Deferred acceptance with couples (siblings placed together), as described at
// RunDeferredAcceptanceWithCouples in matching.h.
#include <algorithm>

#include "services/daycare/domain/matching.h"

namespace stadt::daycare {
namespace {

struct Seat {
  Priority priority;
  uint32_t child = 0;
};

// Heap order with the weakest holder on top (as in matching.cc).
bool WeakestOnTop(const Seat& a, const Seat& b) { return Outranks(a.priority, b.priority); }

class CoupleMatcher {
 public:
  explicit CoupleMatcher(const MatchingInput& input)
      : input_(input),
        children_(input.children()),
        capacity_(input.capacity),
        pools_(input.capacity.size()),
        couple_of_(children_, -1),
        position_(children_, kUnmatched),
        next_(children_),
        next_option_(input.couples.size(), 0),
        held_option_(input.couples.size(), kUnmatched) {
    for (uint32_t c = 0; c < input.couples.size(); ++c) {
      couple_of_[input.couples[c].first] = static_cast<int32_t>(c);
      couple_of_[input.couples[c].second] = static_cast<int32_t>(c);
    }
    for (uint32_t child = 0; child < children_; ++child) next_[child] = input.list_begin[child];
  }

  MatchingOutput Run() {
    // 1. The singles alone: plain deferred acceptance.
    for (uint32_t child = children_; child-- > 0;) {
      if (couple_of_[child] < 0) pending_.push_back(child);
    }
    Drain();
    // 2. The couples one by one, in input order.
    for (uint32_t c = 0; c < input_.couples.size(); ++c) {
      pending_.push_back(children_ + c);
      Drain();
    }
    // 3. Repair rounds: blocking units move up.
    MatchingOutput output;
    std::vector<uint32_t> blocking = FindBlockingUnits();
    std::vector<uint64_t> states = {StateHash()};
    while (!blocking.empty() && output.repair_rounds < kMaxCoupleRepairRounds) {
      ++output.repair_rounds;
      for (uint32_t unit : blocking) {
        if (!Blocks(unit)) continue;  // an earlier move changed its situation
        Unseat(unit);
        Restart(unit);
        pending_.push_back(unit);
        Drain();
      }
      blocking = FindBlockingUnits();
      // Back where an earlier round ended: the moves go round in a cycle, and
      // more rounds would only repeat it.
      const uint64_t state = StateHash();
      if (std::find(states.begin(), states.end(), state) != states.end()) break;
      states.push_back(state);
    }
    // 4. Fallback: the couples keep their places, the singles are matched again.
    if (!blocking.empty()) {
      RematchSinglesAroundCouples();
      blocking = FindBlockingUnits();
    }
    output.stable = blocking.empty();
    for (uint32_t unit : blocking) {
      if (unit >= children_) output.blocking_couples.push_back(unit - children_);
    }
    output.assigned_position = position_;
    output.couple_option = held_option_;
    output.admitted.resize(pools_.size());
    for (size_t p = 0; p < pools_.size(); ++p) {
      std::vector<Seat> pool = pools_[p];
      std::sort(pool.begin(), pool.end(), WeakestOnTop);
      for (const Seat& seat : pool) output.admitted[p].push_back(seat.child);
    }
    return output;
  }

 private:
  uint32_t Begin(uint32_t child) const { return input_.list_begin[child]; }
  uint32_t End(uint32_t child) const { return input_.list_begin[child + 1]; }
  const Proposal& At(uint32_t child, uint32_t position) const {
    return input_.proposals[Begin(child) + position];
  }
  bool IsCouple(uint32_t unit) const { return unit >= children_; }
  const CoupleInput& Couple(uint32_t unit) const { return input_.couples[unit - children_]; }

  // A fingerprint of who holds which place (FNV-1a over the positions).
  uint64_t StateHash() const {
    uint64_t hash = 14695981039346656037u;
    auto mix = [&hash](int32_t value) {
      hash = (hash ^ static_cast<uint32_t>(value)) * 1099511628211u;
    };
    for (int32_t position : position_) mix(position);
    for (int32_t option : held_option_) mix(option);
    return hash;
  }

  // Whether `program` would admit a child of `priority`: a free place, or a holder
  // it outranks.
  bool Admits(uint32_t program, const Priority& priority) const {
    const std::vector<Seat>& pool = pools_[program];
    if (pool.size() < capacity_[program]) return true;
    return capacity_[program] > 0 && Outranks(priority, pool.front().priority);
  }

  // Whether both children are admitted at once (the same program needs two places,
  // each won against a different holder).
  bool AdmitsBoth(const Proposal& a, const Proposal& b) const {
    if (a.program != b.program)
      return Admits(a.program, a.priority) && Admits(b.program, b.priority);
    const std::vector<Seat>& pool = pools_[a.program];
    const uint32_t capacity = capacity_[a.program];
    if (capacity < 2) return false;
    const Priority& weaker = Outranks(a.priority, b.priority) ? b.priority : a.priority;
    if (pool.size() + 2 <= capacity) return true;
    if (pool.size() + 1 == capacity) return Outranks(weaker, pool.front().priority);
    // Full: the weaker child must outrank the two weakest holders; the second
    // weakest is one of the heap root's children.
    const Seat* second = &pool[1];
    if (pool.size() > 2 && Outranks(pool[1].priority, pool[2].priority)) second = &pool[2];
    return Outranks(weaker, second->priority);
  }

  // Seats `child` at its list position; returns the displaced holder, or -1.
  int64_t Take(uint32_t child, uint32_t position) {
    const Proposal& proposal = At(child, position);
    std::vector<Seat>& pool = pools_[proposal.program];
    position_[child] = static_cast<int32_t>(position);
    if (pool.size() < capacity_[proposal.program]) {
      pool.push_back({proposal.priority, child});
      std::push_heap(pool.begin(), pool.end(), WeakestOnTop);
      return -1;
    }
    std::pop_heap(pool.begin(), pool.end(), WeakestOnTop);
    const uint32_t displaced = pool.back().child;
    pool.back() = {proposal.priority, child};
    std::push_heap(pool.begin(), pool.end(), WeakestOnTop);
    position_[displaced] = kUnmatched;
    return displaced;
  }

  void Leave(uint32_t child) {
    if (position_[child] == kUnmatched) return;
    std::vector<Seat>& pool = pools_[At(child, position_[child]).program];
    auto seat =
        std::find_if(pool.begin(), pool.end(), [child](const Seat& s) { return s.child == child; });
    if (seat != pool.end()) {
      *seat = pool.back();
      pool.pop_back();
      std::make_heap(pool.begin(), pool.end(), WeakestOnTop);
    }
    position_[child] = kUnmatched;
  }

  // A holder lost its place: a single proposes further down its list; a couple
  // member takes its sibling out too and the couple proposes its next option.
  void Displaced(int64_t child) {
    if (child < 0) return;
    const int32_t couple = couple_of_[child];
    if (couple < 0) {
      ++next_[child];
      pending_.push_back(static_cast<uint32_t>(child));
      return;
    }
    if (held_option_[couple] == kUnmatched) return;  // already taken out
    Leave(input_.couples[couple].first);
    Leave(input_.couples[couple].second);
    held_option_[couple] = kUnmatched;
    ++next_option_[couple];
    pending_.push_back(children_ + couple);
  }

  void ProposeSingle(uint32_t child) {
    for (; next_[child] < End(child); ++next_[child]) {
      const uint32_t position = next_[child] - Begin(child);
      if (!Admits(At(child, position).program, At(child, position).priority)) continue;
      Displaced(Take(child, position));
      return;
    }
  }

  void ProposeCouple(uint32_t unit) {
    const uint32_t c = unit - children_;
    const CoupleInput& couple = input_.couples[c];
    for (; next_option_[c] < couple.options.size(); ++next_option_[c]) {
      const CoupleOption& option = couple.options[next_option_[c]];
      if (!AdmitsBoth(At(couple.first, option.first), At(couple.second, option.second))) continue;
      held_option_[c] = static_cast<int32_t>(next_option_[c]);
      const int64_t first_displaced = Take(couple.first, option.first);
      const int64_t second_displaced = Take(couple.second, option.second);
      Displaced(first_displaced);
      Displaced(second_displaced);
      return;
    }
  }

  void Drain() {
    while (!pending_.empty()) {
      const uint32_t unit = pending_.back();
      pending_.pop_back();
      if (IsCouple(unit)) {
        ProposeCouple(unit);
      } else {
        ProposeSingle(unit);
      }
    }
  }

  // A single blocks when a program it wants more would admit it; a couple when
  // a joint option it wants more would admit both (its own places counted free).
  bool Blocks(uint32_t unit) {
    if (!IsCouple(unit)) {
      const uint32_t end = position_[unit] == kUnmatched ? End(unit) - Begin(unit)
                                                         : static_cast<uint32_t>(position_[unit]);
      for (uint32_t position = 0; position < end; ++position) {
        if (Admits(At(unit, position).program, At(unit, position).priority)) return true;
      }
      return false;
    }
    const uint32_t c = unit - children_;
    const CoupleInput& couple = Couple(unit);
    const int32_t held = held_option_[c];
    const uint32_t end = held == kUnmatched ? static_cast<uint32_t>(couple.options.size())
                                            : static_cast<uint32_t>(held);
    if (end == 0) return false;
    // Count the couple's own places as free while asking.
    if (held != kUnmatched) {
      Leave(couple.first);
      Leave(couple.second);
    }
    bool blocks = false;
    for (uint32_t o = 0; o < end && !blocks; ++o) {
      const CoupleOption& option = couple.options[o];
      blocks = AdmitsBoth(At(couple.first, option.first), At(couple.second, option.second));
    }
    if (held != kUnmatched) {
      // Back where it was: the places were just freed, so nobody is displaced.
      Take(couple.first, couple.options[held].first);
      Take(couple.second, couple.options[held].second);
    }
    return blocks;
  }

  std::vector<uint32_t> FindBlockingUnits() {
    std::vector<uint32_t> blocking;
    for (uint32_t child = 0; child < children_; ++child) {
      if (couple_of_[child] < 0 && Blocks(child)) blocking.push_back(child);
    }
    for (uint32_t c = 0; c < input_.couples.size(); ++c) {
      if (Blocks(children_ + c)) blocking.push_back(children_ + c);
    }
    return blocking;
  }

  void Unseat(uint32_t unit) {
    if (!IsCouple(unit)) {
      Leave(unit);
      return;
    }
    Leave(Couple(unit).first);
    Leave(Couple(unit).second);
    held_option_[unit - children_] = kUnmatched;
  }

  void Restart(uint32_t unit) {
    if (IsCouple(unit)) {
      next_option_[unit - children_] = 0;
    } else {
      next_[unit] = Begin(unit);
    }
  }

  // The couples' places are taken out of the capacities, the singles run deferred
  // acceptance again from the top on what is left, then the couples are put back.
  void RematchSinglesAroundCouples() {
    std::vector<Seat> couple_seats;
    for (size_t p = 0; p < pools_.size(); ++p) {
      for (const Seat& seat : pools_[p]) {
        if (couple_of_[seat.child] >= 0) {
          couple_seats.push_back(seat);
          --capacity_[p];
        }
      }
      pools_[p].clear();
    }
    for (uint32_t child = children_; child-- > 0;) {
      if (couple_of_[child] >= 0) continue;
      position_[child] = kUnmatched;
      next_[child] = Begin(child);
      pending_.push_back(child);
    }
    Drain();
    for (const Seat& seat : couple_seats) {
      const uint32_t program = At(seat.child, position_[seat.child]).program;
      ++capacity_[program];
      pools_[program].push_back(seat);
      std::push_heap(pools_[program].begin(), pools_[program].end(), WeakestOnTop);
    }
  }

  const MatchingInput& input_;
  const uint32_t children_;
  std::vector<uint32_t> capacity_;
  std::vector<std::vector<Seat>> pools_;
  std::vector<int32_t> couple_of_;     // per child: its couple, or -1 for a single
  std::vector<int32_t> position_;      // per child: held list position, or kUnmatched
  std::vector<uint32_t> next_;         // per single: next proposal (index into proposals)
  std::vector<uint32_t> next_option_;  // per couple: next joint option
  std::vector<int32_t> held_option_;   // per couple: held option, or kUnmatched
  std::vector<uint32_t> pending_;      // units to propose: children, then children_ + couple
};

}  // namespace

MatchingOutput RunDeferredAcceptanceWithCouples(const MatchingInput& input) {
  return CoupleMatcher(input).Run();
}

}  // namespace stadt::daycare
